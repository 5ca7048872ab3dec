import type { IncomingMessage, ServerResponse } from 'node:http';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';
import type { CredentialStore, IssuedCredentials } from '../../wire/credentials';
import type { FaultInjector } from '../../wire/faults';
import { AwsServiceError, sendJson, startHttpServer, type StartedServer } from '../../wire/http';
import { jsonTargetHandler, type JsonOperation } from '../../wire/json-target';
import { withAnyOriginCors } from '../../wire/browser-cors';
import { SIGNING_NAMES } from '../../wire/signing-names';
import { verifySignedRequest } from '../../wire/sigv4';
import type { OperationRequest } from './context';
import { poolArn, type IdpState, type PoolRecord } from './state';

const JSON_11 = 'application/x-amz-json-1.1';
/** The resource of calls that name no pool (CreateUserPool, ListUserPools). */
const ANY_POOL = `arn:aws:cognito-idp:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:userpool/*`;

/** IAM-authorized operations: the request must carry a valid SigV4 signature of the backend. */
export function backendVerifier(store: CredentialStore, now: () => number) {
  return ({ req, body }: OperationRequest, operation: string, p?: PoolRecord): IssuedCredentials => {
    const caller = verifySignedRequest({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body }, store, { service: SIGNING_NAMES.cognitoIdp, now });
    if (caller.principal.kind !== 'backend') {
      // Identity-pool roles grant IoT access only; IAM would deny them the user pool admin API.
      throw new AwsServiceError(
        403,
        'AccessDeniedException',
        `User: arn:aws:sts::000000000000:assumed-role/${caller.principal.roleArn.split('/').pop() ?? 'role'}/CognitoIdentityCredentials is not authorized to perform: cognito-idp:${operation} on resource: ${p ? poolArn(p) : ANY_POOL}`,
      );
    }
    return caller;
  };
}

function openIdConfiguration(p: PoolRecord, baseUrl: string) {
  return {
    issuer: p.issuer,
    jwks_uri: `${baseUrl}/${p.id}/.well-known/jwks.json`,
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'token'],
    subject_types_supported: ['public'],
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'token_use', 'cognito:username', 'email', 'email_verified'],
  };
}

/** `GET /<poolId>/.well-known/jwks.json` and `openid-configuration`, as the cognito-idp endpoint serves them. */
function discoveryEndpoints(state: IdpState, baseUrl: () => string) {
  return (req: IncomingMessage, _body: Buffer, res: ServerResponse): boolean => {
    if (req.method !== 'GET') return false;
    const m = /^\/([\w-]+_[A-Za-z0-9]+)\/\.well-known\/(jwks\.json|openid-configuration)$/.exec((req.url ?? '').split('?')[0] ?? '');
    const p = m?.[1] ? state.pools.get(m[1]) : undefined;
    if (!m || !p) sendJson(res, 404, { message: 'Not Found' });
    else if (m[2] === 'jwks.json') sendJson(res, 200, p.signer.jwks());
    else sendJson(res, 200, openIdConfiguration(p, baseUrl()));
    return true;
  };
}

/** The IAM-authorized operations that are not Admin*: reading users and clients, and managing pools. */
const IAM_OPERATIONS = new Set(['ListUsers', 'DescribeUserPoolClient', 'CreateUserPool', 'DescribeUserPool', 'UpdateUserPool', 'AddCustomAttributes', 'ListUserPools']);

/** Admin* (AdminInitiateAuth included) and IAM_OPERATIONS are IAM-authorized; the rest are public. */
function iamOperations(operations: Readonly<Record<string, JsonOperation>>): ReadonlySet<string> {
  return new Set(Object.keys(operations).filter((name) => name.startsWith('Admin') || IAM_OPERATIONS.has(name)));
}

/**
 * The wire front: JSON 1.1 (`X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`) with fault
 * rules `cognito-idp:<Op>`, plus the discovery endpoints.
 */
export async function startIdpServer(opts: {
  state: IdpState;
  faults: FaultInjector;
  operations: Readonly<Record<string, JsonOperation>>;
  store: CredentialStore;
  now: () => number;
  port?: number;
}): Promise<StartedServer> {
  let baseUrl = '';
  const server = await startHttpServer(
    withAnyOriginCors(jsonTargetHandler({
      targetPrefix: 'AWSCognitoIdentityProviderService',
      faultPrefix: 'cognito-idp',
      faults: opts.faults,
      operations: opts.operations,
      // The IAM-authorized operations (those calling requireBackend): signature first, then fault rules.
      iam: { operations: iamOperations(opts.operations), store: opts.store, signingNames: SIGNING_NAMES.cognitoIdp, now: opts.now },
      contentType: JSON_11,
      other: discoveryEndpoints(opts.state, () => baseUrl),
    })),
    { port: opts.port ?? 0, now: opts.now },
  );
  baseUrl = server.url;
  return server;
}
