import type { IncomingMessage } from 'node:http';
import type { RsaTokenSigner } from '../../wire/token-signer';
import type { CredentialStore } from '../../wire/credentials';
import type { IdentityPoolRecord, IdentityState } from './state';

export interface OperationRequest {
  readonly req: IncomingMessage;
  readonly body: Buffer;
}

/** What the identity operation groups work with. */
export interface IdentityContext {
  readonly state: IdentityState;
  readonly store: CredentialStore;
  readonly signer: RsaTokenSigner;
  readonly now: () => number;
  /** Developer APIs are IAM-authorized: throws unless the backend signed the request. */
  readonly requireBackend: (request: OperationRequest, operation: string, p?: IdentityPoolRecord) => void;
}
