import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';
import type { PublicJwks } from '../../wire/token-signer';
import { CredentialStore } from '../../wire/credentials';
import type { FaultInjector } from '../../wire/faults';
import { adminOperations } from './admin-operations';
import { authFlowOperations } from './auth-flows';
import type { IdpContext } from './context';
import type { CloudTrailListener } from './events';
import { FunctionRegistry, TRIGGER_TIMEOUT_MS, type LambdaFunction, type TriggerSettings } from './lambda-invoke';
import { poolOperations } from './pool-operations';
import { createAppClient, createUserPool, type CreateAppClientOptions, type CreateUserPoolOptions, type CreatedUserPool } from './pools';
import { IdpState, type SentCode } from './state';
import type { PostAuthenticationTrigger } from './triggers';
import { userOperations } from './user-operations';
import { backendVerifier, startIdpServer } from './wire';

export type { CreateAppClientOptions, CreateUserPoolOptions, CreatedUserPool } from './pools';
export type { PostAuthenticationTrigger, PreSignUpEvent } from './triggers';
export type { LambdaFunction } from './lambda-invoke';
export type { CloudTrailListener } from './events';
export type { SentCode } from './state';

export interface CognitoIdpOptions {
  readonly faults: FaultInjector;
  /** Verifies the SigV4 signatures of the Admin* (IAM-authorized) operations. Default: a store that knows the backend credentials. */
  readonly store?: CredentialStore;
  readonly now?: () => number;
  readonly port?: number;
  /** ID and access token lifetime. Default 3600 s (Cognito's default). */
  readonly tokenLifetimeSeconds?: number;
  /** Receives the CloudTrail record of each successful AdminDeleteUser, AdminDisableUser and DeleteUser. */
  readonly onCloudTrail?: CloudTrailListener;
  /** Receives each confirmation code Cognito would email or text (the sandbox sends none). */
  readonly onCodeSent?: (message: SentCode) => void;
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
  /**
   * Makes `fn` invocable as the Lambda function `functionArn`: a pool's trigger runs only when its
   * `LambdaConfig` names a registered function (the sandbox registers its Lambda runtime's functions).
   */
  registerFunction(functionArn: string, fn: LambdaFunction): void;
  unregisterFunction(functionArn: string): void;
  /**
   * A shortcut over `LambdaConfig`: registers `trigger` as the function
   * `POST_AUTHENTICATION_SHORTCUT_ARN` and names it as every pool's post-authentication trigger;
   * `undefined` removes the post-authentication trigger from every pool's LambdaConfig.
   */
  setPostAuthenticationTrigger(trigger: PostAuthenticationTrigger | undefined): void;
  /** Cognito waits 5 s per trigger attempt; tests shorten it. */
  setTriggerTimeoutMs(ms: number): void;
  /** Replaces (or with `undefined` removes) the CloudTrail listener. */
  setCloudTrailListener(listener: CloudTrailListener | undefined): void;
}

/** The function ARN setPostAuthenticationTrigger registers its trigger under. */
export const POST_AUTHENTICATION_SHORTCUT_ARN = `arn:aws:lambda:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:function:sandbox-post-authentication-trigger`;

/**
 * Cognito user pools over the JSON 1.1 protocol (`X-Amz-Target:
 * AWSCognitoIdentityProviderService.<Op>`), so the unmodified
 * @aws-sdk/client-cognito-identity-provider works against it. Tokens are RS256 JWTs with the real
 * issuer form, one key per pool, served at `/<poolId>/.well-known/jwks.json`.
 */
export async function startCognitoIdp(opts: CognitoIdpOptions): Promise<CognitoIdpServer> {
  const now = opts.now ?? Date.now;
  const state = new IdpState(now);
  state.onMessage = opts.onCodeSent;
  const triggers: TriggerSettings = { functions: new FunctionRegistry(), timeoutMs: TRIGGER_TIMEOUT_MS };
  const store = opts.store ?? new CredentialStore(now);
  const ctx: IdpContext = {
    state,
    now,
    tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 3600,
    triggers,
    requireBackend: backendVerifier(store, now),
    cloudTrail: opts.onCloudTrail ? { listener: opts.onCloudTrail } : {},
  };
  const operations = { ...userOperations(ctx), ...authFlowOperations(ctx), ...adminOperations(ctx), ...poolOperations(ctx) };
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
    registerFunction: (functionArn, fn) => triggers.functions.register(functionArn, fn),
    unregisterFunction: (functionArn) => triggers.functions.unregister(functionArn),
    setPostAuthenticationTrigger(fn) {
      if (fn) triggers.functions.register(POST_AUTHENTICATION_SHORTCUT_ARN, (event) => fn(event as Parameters<PostAuthenticationTrigger>[0]));
      else triggers.functions.unregister(POST_AUTHENTICATION_SHORTCUT_ARN);
      for (const p of state.pools.values()) {
        if (fn) p.settings.LambdaConfig.PostAuthentication = POST_AUTHENTICATION_SHORTCUT_ARN;
        else delete p.settings.LambdaConfig.PostAuthentication;
      }
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
