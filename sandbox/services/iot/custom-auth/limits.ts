/** The authorizer Lambda has 5 seconds ("Creating and managing custom authorizers"). */
export const AUTHORIZER_TIMEOUT_MS = 5_000;
/** Response bounds ("Defining your Lambda function"). */
export const PRINCIPAL_ID = /^[a-zA-Z0-9]{1,128}$/;
export const MAX_POLICY_DOCUMENTS = 10;
export const MAX_POLICY_DOCUMENT_CHARS = 2_048;
export const MIN_SESSION_S = 300;
export const MAX_SESSION_S = 86_400;
/** CreateAuthorizer constraints (API reference): name `[\w=,@-]+` (1-128), token key `[a-zA-Z0-9_-]+` (1-128). */
export const AUTHORIZER_NAME = /^[\w=,@-]{1,128}$/;
export const TOKEN_KEY_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
/** The name a client uses to pick an authorizer (username query, WebSocket header or query). */
export const AUTHORIZER_NAME_KEY = 'x-amz-customauthorizer-name';

