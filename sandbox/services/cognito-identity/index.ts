import { randomUUID } from 'node:crypto';
import { RsaTokenSigner } from '../../wire/token-signer';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';
import type { CredentialStore } from '../../wire/credentials';
import type { FaultInjector } from '../../wire/faults';
import { AwsServiceError, startHttpServer } from '../../wire/http';
import { withAnyOriginCors } from '../../wire/browser-cors';
import { jsonTargetHandler } from '../../wire/json-target';
import { SIGNING_NAMES } from '../../wire/signing-names';
import { verifySignedRequest } from '../../wire/sigv4';
import type { IdentityContext, OperationRequest } from './context';
import { credentialOperations } from './credential-operations';
import { developerOperations } from './developer-operations';
import { IdentityState, type IdentityPoolRecord } from './state';

export { COGNITO_IDENTITY_ISSUER } from './openid-tokens';

export interface CognitoIdentityOptions {
  /** Records the credentials GetCredentialsForIdentity issues, and verifies backend signatures. */
  readonly store: CredentialStore;
  readonly faults: FaultInjector;
  readonly now?: () => number;
  readonly port?: number;
}

export interface CreateIdentityPoolOptions {
  /** The pool's developer provider name (`DeveloperProviderName`), e.g. `login.example.iot`. */
  readonly developerProviderName: string;
  readonly authenticatedRoleArn: string;
  /** The sandbox models the design's pool: no unauthenticated identities. */
  readonly allowUnauthenticated?: false;
}

export interface IdentityRecordView {
  readonly identityId: string;
  readonly identityPoolId: string;
  /** Developer provider name → first developer user identifier linked (absent once all are unlinked). */
  readonly logins: Readonly<Record<string, string>>;
  /** Every developer user identifier linked, in linking order. */
  readonly developerUserIdentifiers: readonly string[];
}

export interface CognitoIdentityServer {
  readonly url: string;
  close(): Promise<void>;
  createIdentityPool(opts: CreateIdentityPoolOptions): { identityPoolId: string };
  identities(): IdentityRecordView[];
}

const JSON_11 = 'application/x-amz-json-1.1';
/** Developer APIs are IAM-authorized (SigV4); GetId and GetCredentialsForIdentity are public. */
const IAM_OPERATIONS: ReadonlySet<string> = new Set([
  'GetOpenIdTokenForDeveloperIdentity',
  'LookupDeveloperIdentity',
  'DescribeIdentity',
  'UnlinkDeveloperIdentity',
  'DeleteIdentities',
]);

/** Developer APIs are IAM-authorized: a valid backend SigV4 signature is required. */
function backendVerifier(store: CredentialStore, now: () => number) {
  return ({ req, body }: OperationRequest, operation: string, p?: IdentityPoolRecord): void => {
    const caller = verifySignedRequest({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body }, store, { service: SIGNING_NAMES.cognitoIdentity, now });
    if (caller.principal.kind !== 'backend') {
      // The identity's own role grants IoT access only; IAM would deny the developer API. The
      // service model declares no AccessDeniedException, so this is the generic JSON-protocol 400.
      const resource = p ? `arn:aws:cognito-identity:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:identitypool/${p.id}` : '*';
      throw new AwsServiceError(400, 'AccessDeniedException', `User is not authorized to perform: cognito-identity:${operation} on resource: ${resource}`);
    }
  };
}

function view(state: IdentityState) {
  return [...state.identities.values()].map((record): IdentityRecordView => {
    const p = state.pools.get(record.poolId);
    const first = record.developerUserIdentifiers[0];
    return {
      identityId: record.identityId,
      identityPoolId: record.poolId,
      logins: p && first !== undefined ? { [p.developerProviderName]: first } : {},
      developerUserIdentifiers: [...record.developerUserIdentifiers],
    };
  });
}

/**
 * Cognito identity pools over JSON 1.1 (`X-Amz-Target: AWSCognitoIdentityService.<Op>`) for
 * developer-authenticated identities: GetOpenIdTokenForDeveloperIdentity, LookupDeveloperIdentity,
 * UnlinkDeveloperIdentity, DeleteIdentities, DescribeIdentity (SigV4, backend),
 * GetCredentialsForIdentity (unsigned, the OpenID token authenticates) and GetId (which refuses
 * every login, as the design's pool has no other providers and no unauthenticated identities).
 */
export async function startCognitoIdentity(opts: CognitoIdentityOptions): Promise<CognitoIdentityServer> {
  const now = opts.now ?? Date.now;
  const state = new IdentityState(now);
  const ctx: IdentityContext = { state, store: opts.store, signer: new RsaTokenSigner(now), now, requireBackend: backendVerifier(opts.store, now) };
  const operations = { ...developerOperations(ctx), ...credentialOperations(ctx) };
  const server = await startHttpServer(
    withAnyOriginCors(jsonTargetHandler({
      targetPrefix: 'AWSCognitoIdentityService',
      faultPrefix: 'cognito-identity',
      faults: opts.faults,
      operations,
      contentType: JSON_11,
      iam: { operations: IAM_OPERATIONS, store: opts.store, signingNames: SIGNING_NAMES.cognitoIdentity, now },
    })),
    { port: opts.port ?? 0, now },
  );
  return {
    url: server.url,
    close: () => server.close(),
    createIdentityPool(poolOpts) {
      const id = `${SANDBOX_REGION}:${randomUUID()}`;
      state.pools.set(id, { id, developerProviderName: poolOpts.developerProviderName, authenticatedRoleArn: poolOpts.authenticatedRoleArn });
      return { identityPoolId: id };
    },
    identities: () => view(state),
  };
}
