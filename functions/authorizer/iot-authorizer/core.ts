import { createHmac } from 'node:crypto';
import { InitiateAuthCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import * as z from 'zod/mini';
import { iotPolicyDocument, type PolicyScope } from '../../shared/iot-policy/user-policy';
import { errorMessage, errorName } from '../../shared/aws/error-name';
import { IDENTITY_ID_ATTRIBUTE } from '../../shared/workflows/onboarding';
import type { Log } from '../../shared/observability/logging';
import { UserNotTrustedError, type DistrustReason, type TrustCache } from '../../shared/trust/user-trust';

/** What the authorizer needs from `aws-jwt-verify`'s CognitoJwtVerifier (ID tokens, one client). */
export interface IdTokenVerifier {
  verify(token: string): Promise<Record<string, unknown>>;
}

export interface AuthorizerDeps {
  readonly verifier: IdTokenVerifier;
  readonly cognitoIdp: Pick<CognitoIdentityProviderClient, 'send'>;
  /** The trust rules (functions/shared/trust/user-trust.ts), cached per user for the re-validation window. */
  readonly trust: Pick<TrustCache, 'verify'>;
  readonly log: Log;
  readonly now: () => number;
  readonly config: {
    readonly clientId: string;
    /**
     * The app client secret (SECRET_HASH), read only in password mode; the handler caches it.
     * Undefined for a public client (an adopted pool's web client has none): no SECRET_HASH then.
     */
    readonly clientSecret: () => Promise<string | undefined>;
    readonly policyScope: PolicyScope;
    /**
     * The trust re-validation window W (seconds): a deleted or disabled user's session ends within
     * it. The policy refresh interval R is W, at least IoT's 300 s; a decision used by a connect
     * or a refresh is at most W - R old (so with W <= 300, every connect and refresh asks the
     * user pool): R plus the decision's age never exceeds max(W, 300).
     */
    readonly revalidateSeconds: number;
  };
}

/** AWS IoT Core custom authorizer response (Developer Guide, "Defining your Lambda function"). */
export interface AuthorizerResponse {
  readonly isAuthenticated: boolean;
  readonly principalId: string;
  readonly disconnectAfterInSeconds: number;
  readonly refreshAfterInSeconds: number;
  readonly policyDocuments: string[];
}

/** IoT's bounds for both durations, in seconds. */
const MIN_SESSION_S = 300;
const MAX_SESSION_S = 86_400;
/** MQTT passwords can be 64 KB; a Cognito ID token is a few KB. Anything bigger is refused unread. */
export const MAX_PASSWORD_BYTES = 8 * 1024;

const eventSchema = z.object({
  protocolData: z.object({
    mqtt: z.object({
      username: z.string().check(z.minLength(1)),
      password: z.string().check(z.minLength(1)),
      clientId: z.optional(z.string()),
    }),
  }),
  connectionMetadata: z.optional(z.object({ id: z.string() })),
});

export type DenyReason =
  | 'malformed-event'
  | 'password-too-large'
  | 'password-not-base64'
  | 'invalid-token'
  | 'token-user-mismatch'
  | 'token-expires-too-soon'
  | 'wrong-password'
  | 'not-onboarded'
  | 'identity-mismatch'
  | DistrustReason
  | 'upstream-failure';

class Denied extends Error {
  constructor(readonly reason: DenyReason, detail: string) {
    super(detail);
  }
}

/**
 * Authenticates an MQTT CONNECT against the user pool. The password is either a Cognito ID
 * token (verified locally against the pool's JWKS, then the trust rules: one AdminGetUser per
 * user per re-validation window) or the user's password (InitiateAuth USER_PASSWORD_AUTH with
 * SECRET_HASH). Any failure answers
 * `isAuthenticated: false`; success answers the user's own policy from the shared template.
 */
export async function authorizeConnect(event: unknown, deps: AuthorizerDeps): Promise<AuthorizerResponse> {
  try {
    const { username, password } = parseCredentials(event);
    const tokenMode = looksLikeJwt(password);
    const idToken = tokenMode ? password : await signIn(username, password, deps);
    let claims: Record<string, unknown>;
    try {
      claims = await deps.verifier.verify(idToken);
    } catch (error) {
      throw new Denied('invalid-token', `ID token rejected: ${errorMessage(error)}`);
    }
    if (claims['cognito:username'] !== username) {
      throw new Denied('token-user-mismatch', 'The ID token belongs to another user than the MQTT username');
    }
    const identityId = claims[IDENTITY_ID_ATTRIBUTE];
    if (typeof identityId !== 'string' || identityId === '') {
      throw new Denied('not-onboarded', 'The user has no IoT identity yet (custom:identity_id missing from the ID token)');
    }
    const secondsLeft = Math.floor(Number(claims.exp) - deps.now() / 1000);
    if (!(secondsLeft >= MIN_SESSION_S)) {
      throw new Denied('token-expires-too-soon', `The ID token expires in ${secondsLeft}s; IoT sessions last at least ${MIN_SESSION_S}s`);
    }
    const sub = String(claims.sub);
    const disconnectAfterInSeconds = Math.min(secondsLeft, MAX_SESSION_S);
    const refreshAfterInSeconds = Math.min(Math.max(deps.config.revalidateSeconds, MIN_SESSION_S), disconnectAfterInSeconds);
    // A password sign-in already proved the trust rules: InitiateAuth succeeds only for an existing,
    // enabled, confirmed user and returns their current token (and the 5 s budget has no room for
    // a second Cognito call). A presented token may be stale: ask the user pool, accepting a
    // decision only as old as the window leaves room for after this session's next refresh.
    const maxAgeSeconds = Math.max(0, deps.config.revalidateSeconds - refreshAfterInSeconds);
    if (tokenMode) await requireTrusted(deps, { username, sub }, identityId, maxAgeSeconds);
    deps.log.info('MQTT connect authorized', { username, identityId });
    return {
      isAuthenticated: true,
      principalId: principalIdFor(sub),
      disconnectAfterInSeconds,
      refreshAfterInSeconds,
      policyDocuments: [JSON.stringify(iotPolicyDocument(deps.config.policyScope, identityId))],
    };
  } catch (error) {
    const reason: DenyReason = error instanceof Denied ? error.reason : 'upstream-failure';
    deps.log.warn('MQTT connect denied', { reason, detail: errorMessage(error) });
    return deny();
  }
}

/** The user still exists, is enabled and confirmed, has the token's `sub`, and the token's identity is theirs. */
async function requireTrusted(deps: AuthorizerDeps, token: { username: string; sub: string }, identityId: string, maxAgeSeconds: number): Promise<void> {
  let user;
  try {
    user = await deps.trust.verify(token, maxAgeSeconds);
  } catch (error) {
    if (error instanceof UserNotTrustedError) throw new Denied(error.reason, error.message);
    throw new Denied('upstream-failure', `The user pool could not be asked: ${errorName(error)}`);
  }
  if (user.identityId !== identityId) {
    throw new Denied('identity-mismatch', 'The ID token names another IoT identity than the user\'s record (offboarded or re-onboarded since)');
  }
}

/** `principalId` must match ([a-zA-Z0-9]){1,128}: the user's sub without its dashes. */
export function principalIdFor(sub: string): string {
  const id = sub.replace(/[^a-zA-Z0-9]/g, '');
  return id.length > 0 ? id.slice(0, 128) : 'unknown';
}

function deny(): AuthorizerResponse {
  return {
    isAuthenticated: false,
    principalId: 'unauthenticated',
    disconnectAfterInSeconds: MIN_SESSION_S,
    refreshAfterInSeconds: MIN_SESSION_S,
    policyDocuments: [],
  };
}

function parseCredentials(event: unknown): { username: string; password: string } {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    throw new Denied('malformed-event', 'Expected protocolData.mqtt with a username and a base64 password');
  }
  const { username: rawUsername, password: encoded } = parsed.data.protocolData.mqtt;
  // Device SDKs append `?x-amz-customauthorizer-name=…&SDK=…&Version=…` to the username.
  const username = rawUsername.split('?')[0] ?? '';
  if (username === '') throw new Denied('malformed-event', 'The MQTT username is empty');
  if (encoded.length > Math.ceil(MAX_PASSWORD_BYTES / 3) * 4) {
    throw new Denied('password-too-large', `The password is over ${MAX_PASSWORD_BYTES} bytes`);
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    throw new Denied('password-not-base64', 'IoT delivers the MQTT password base64-encoded; this one is not');
  }
  const password = Buffer.from(encoded, 'base64').toString('utf8');
  if (password === '') throw new Denied('malformed-event', 'The password is empty');
  return { username, password };
}

function looksLikeJwt(value: string): boolean {
  return /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(value);
}

async function signIn(username: string, password: string, deps: AuthorizerDeps): Promise<string> {
  const { clientId } = deps.config;
  const clientSecret = await deps.config.clientSecret();
  const authParameters: Record<string, string> = { USERNAME: username, PASSWORD: password };
  if (clientSecret !== undefined) authParameters.SECRET_HASH = createHmac('sha256', clientSecret).update(username + clientId).digest('base64');
  try {
    const out = await deps.cognitoIdp.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: authParameters,
      }),
    );
    const token = out.AuthenticationResult?.IdToken;
    if (!token) throw new Denied('wrong-password', `Sign-in needs a challenge (${out.ChallengeName ?? 'unknown'}); not supported over MQTT`);
    return token;
  } catch (error) {
    if (error instanceof Denied) throw error;
    const name = errorName(error);
    if (name === 'NotAuthorizedException' || name === 'UserNotFoundException' || name === 'UserNotConfirmedException') {
      throw new Denied('wrong-password', `Cognito refused the sign-in (${name})`);
    }
    throw new Denied('upstream-failure', `Cognito sign-in failed: ${name}`);
  }
}
