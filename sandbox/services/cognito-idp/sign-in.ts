import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AwsServiceError } from '../../wire/http';
import type { IdpContext } from './context';
import { USER_DISABLED, notAuthorized } from './errors';
import type { AppClientRecord, PoolRecord, UserRecord } from './state';
import { authenticationResult } from './tokens';
import { runPostAuthentication } from './triggers';

/** Challenge sessions are valid for 3 minutes (default AuthSessionValidity). */
export const SESSION_LIFETIME_MS = 3 * 60_000;

/** One sign-in request: the pool and app client it names, its AuthParameters (or ChallengeResponses). */
export interface FlowRequest {
  readonly pool: PoolRecord;
  readonly client: AppClientRecord;
  readonly params: Record<string, string>;
  readonly req: IncomingMessage;
  readonly clientMetadata: Record<string, string> | undefined;
}

/** The NEW_PASSWORD_REQUIRED challenge a FORCE_CHANGE_PASSWORD user gets instead of tokens, whatever the sign-in flow. */
export function newPasswordChallenge(ctx: IdpContext, { pool: p, client }: { pool: PoolRecord; client: AppClientRecord }, user: UserRecord) {
  const session = randomBytes(96).toString('base64url');
  ctx.state.sessions.set(session, { poolId: p.id, username: user.username, clientId: client.clientId, expiresAt: ctx.now() + SESSION_LIFETIME_MS });
  const visible = Object.fromEntries([...user.attributes].filter(([name]) => name !== 'sub' && name !== 'email_verified' && name !== 'phone_number_verified'));
  return {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: session,
    ChallengeParameters: { USER_ID_FOR_SRP: user.username, requiredAttributes: '[]', userAttributes: JSON.stringify(visible) },
  };
}

/**
 * After the password is proven (PASSWORD or SRP alike): a disabled or unconfirmed user is refused,
 * a FORCE_CHANGE_PASSWORD user gets NEW_PASSWORD_REQUIRED, anyone else runs the post-authentication
 * trigger and gets tokens.
 */
export async function completeSignIn(ctx: IdpContext, flow: FlowRequest, user: UserRecord) {
  if (!user.enabled) throw notAuthorized(USER_DISABLED);
  if (user.status === 'UNCONFIRMED') throw new AwsServiceError(400, 'UserNotConfirmedException', 'User is not confirmed.');
  if (user.status === 'FORCE_CHANGE_PASSWORD') return newPasswordChallenge(ctx, flow, user);
  await runPostAuthentication(ctx.triggers, { pool: flow.pool, user, clientId: flow.client.clientId, req: flow.req, clientMetadata: flow.clientMetadata });
  return authenticationResult(ctx, flow.pool, flow.client, user);
}
