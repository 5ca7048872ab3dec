import type { PublicJwks } from '../../wire/token-signer';
import { CredentialStore } from '../../wire/credentials';
import type { FaultInjector } from '../../wire/faults';
import { adminOperations } from './admin-operations';
import { authFlowOperations } from './auth-flows';
import type { IdpContext } from './context';
import type { CloudTrailListener } from './events';
import { createAppClient, createUserPool, type CreateAppClientOptions, type CreateUserPoolOptions, type CreatedUserPool } from './pools';
import { IdpState } from './state';
import { TRIGGER_TIMEOUT_MS, type PostAuthenticationTrigger, type TriggerSettings } from './triggers';
import { userOperations } from './user-operations';
import { backendVerifier, startIdpServer } from './wire';

export type { CreateAppClientOptions, CreateUserPoolOptions, CreatedUserPool } from './pools';
export type { PostAuthenticationTrigger } from './triggers';
export type { CloudTrailListener } from './events';

export interface CognitoIdpOptions {
  readonly faults: FaultInjector;
  /** Verifies the SigV4 signatures of the Admin* (IAM-authorized) operations. Default: a store that knows the backend credentials. */
  readonly store?: CredentialStore;
  readonly now?: () => number;
  readonly port?: number;
  /** ID and access token lifetime. Default 3600 s (Cognito's default). */
  readonly tokenLifetimeSeconds?: number;
  /** The post-authentication Lambda trigger. */
  readonly onPostAuthentication?: PostAuthenticationTrigger;
  /** Receives the CloudTrail record of each successful AdminDeleteUser, AdminDisableUser and DeleteUser. */
  readonly onCloudTrail?: CloudTrailListener;
}

export interface CognitoIdpServer {
  readonly url: string;
  close(): Promise<void>;
  createUserPool(opts: CreateUserPoolOptions): CreatedUserPool;
  createAppClient(userPoolId: string, opts: CreateAppClientOptions): { clientId: string; clientSecret?: string };
  /** The pool's public keys (a JWKS usable with jose and with aws-jwt-verify's `cacheJwks`). */
  jwks(userPoolId: string): PublicJwks;
  /** The pending sign-up confirmation code (what Cognito would email). */
  confirmationCode(userPoolId: string, username: string): string | undefined;
  /** Replaces (or with `undefined` removes) the post-authentication trigger. */
  setPostAuthenticationTrigger(trigger: PostAuthenticationTrigger | undefined): void;
  /** Cognito waits 5 s per trigger attempt; tests shorten it. */
  setTriggerTimeoutMs(ms: number): void;
  /** Replaces (or with `undefined` removes) the CloudTrail listener. */
  setCloudTrailListener(listener: CloudTrailListener | undefined): void;
}

/**
 * Cognito user pools over the JSON 1.1 protocol (`X-Amz-Target:
 * AWSCognitoIdentityProviderService.<Op>`), so the unmodified
 * @aws-sdk/client-cognito-identity-provider works against it. Tokens are RS256 JWTs with the real
 * issuer form, one key per pool, served at `/<poolId>/.well-known/jwks.json`.
 */
export async function startCognitoIdp(opts: CognitoIdpOptions): Promise<CognitoIdpServer> {
  const now = opts.now ?? Date.now;
  const state = new IdpState(now);
  const triggers: TriggerSettings = { timeoutMs: TRIGGER_TIMEOUT_MS, ...(opts.onPostAuthentication ? { postAuthentication: opts.onPostAuthentication } : {}) };
  const store = opts.store ?? new CredentialStore(now);
  const ctx: IdpContext = {
    state,
    now,
    tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 3600,
    triggers,
    requireBackend: backendVerifier(store, now),
    cloudTrail: opts.onCloudTrail ? { listener: opts.onCloudTrail } : {},
  };
  const operations = { ...userOperations(ctx), ...authFlowOperations(ctx), ...adminOperations(ctx) };
  const server = await startIdpServer({ state, faults: opts.faults, operations, store, now, ...(opts.port !== undefined ? { port: opts.port } : {}) });
  return {
    url: server.url,
    close: () => server.close(),
    createUserPool: (poolOpts) => createUserPool(state, poolOpts, server.url),
    createAppClient: (userPoolId, clientOpts) => createAppClient(state, userPoolId, clientOpts),
    jwks: (userPoolId) => state.pool(userPoolId).signer.jwks(),
    confirmationCode(userPoolId, username) {
      const p = state.pools.get(userPoolId);
      return p ? state.findUser(p, username)?.confirmation?.code : undefined;
    },
    setPostAuthenticationTrigger(fn) {
      if (fn) triggers.postAuthentication = fn;
      else delete triggers.postAuthentication;
    },
    setTriggerTimeoutMs(ms) {
      triggers.timeoutMs = ms;
    },
    setCloudTrailListener(listener) {
      if (listener) ctx.cloudTrail.listener = listener;
      else delete ctx.cloudTrail.listener;
    },
  };
}
