/** Fixed identifiers of the sandbox "account". Real formats, fake values. */
export const SANDBOX_REGION = 'us-east-1';
export const SANDBOX_ACCOUNT = '000000000000';

/**
 * The credentials the in-process backend (the Lambda handlers, the state machine's SDK tasks,
 * the admin CLI) signs with. Stands in for the functions' execution roles; see docs/sandbox.md's
 * list of differences (the sandbox does not evaluate those roles' IAM policies).
 */
export const SANDBOX_BACKEND_CREDENTIALS = {
  accessKeyId: 'AKIASANDBOXBACKEND01',
  secretAccessKey: 'sandbox-backend-secret-key-not-a-real-secret',
} as const;
