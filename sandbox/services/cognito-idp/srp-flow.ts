import { randomBytes } from 'node:crypto';
import { invalidParameter, optionalString } from '../../wire/json-target';
import type { IdpContext } from './context';
import { INCORRECT_CREDENTIALS, notAuthorized } from './errors';
import { checkSecretHash } from './passwords';
import { SESSION_LIFETIME_MS, completeSignIn, type FlowRequest } from './sign-in';
import { N, claimSignature, parseSrpA, parseSrpTimestamp, passwordVerifier, serverChallenge, serverSessionKey, signaturesMatch, srpPoolName } from './srp';
import type { IdpState, PoolRecord, SrpChallenge, SrpVerifier, UserRecord } from './state';

/**
 * USER_SRP_AUTH (InitiateAuth and AdminInitiateAuth API references; "SRP" in the developer guide,
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html):
 * InitiateAuth with USERNAME and SRP_A answers PASSWORD_VERIFIER with SALT, SRP_B, SECRET_BLOCK,
 * USERNAME and USER_ID_FOR_SRP; RespondToAuthChallenge proves the password with
 * PASSWORD_CLAIM_SIGNATURE over the SECRET_BLOCK and a TIMESTAMP
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html).
 * The sandbox keeps passwords, not verifiers: each user's salt is drawn once and the verifier
 * derived from the password the sandbox holds, so the wire carries only what AWS's does.
 */

/** How far a TIMESTAMP may be from the service's clock: sign-in fails once a device is more than 5 minutes off (amazon-cognito-auth-js#199). */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60_000;
/** The size of the opaque SECRET_BLOCK (AWS's are about 1.4 KB of base64). */
const SECRET_BLOCK_BYTES = 1024;

/** "USER_SRP_AUTH is not enabled for the client." — an app client without ALLOW_USER_SRP_AUTH (re:Post QU27rX7X0wQnCT9d5v9cdUWQ). */
export const SRP_NOT_ENABLED = 'USER_SRP_AUTH is not enabled for the client.';

function verifierOf(state: IdpState, p: PoolRecord, user: UserRecord): SrpVerifier {
  const known = state.srpVerifiers.get(user);
  const saltHex = known?.saltHex ?? randomBytes(16).toString('hex');
  if (known && known.password === user.password) return known;
  const fresh = { password: user.password, saltHex, verifier: passwordVerifier(srpPoolName(p.id), user.username, user.password, saltHex) };
  state.srpVerifiers.set(user, fresh);
  return fresh;
}

function dropExpired(state: IdpState, now: number): void {
  for (const [block, challenge] of state.srpChallenges) if (challenge.expiresAt < now) state.srpChallenges.delete(block);
}

/** InitiateAuth/AdminInitiateAuth USER_SRP_AUTH → PASSWORD_VERIFIER. */
export function srpAuth(ctx: IdpContext, flow: FlowRequest) {
  const { pool: p, client, params } = flow;
  if (!client.explicitAuthFlows.has('ALLOW_USER_SRP_AUTH')) throw invalidParameter(SRP_NOT_ENABLED);
  const username = params['USERNAME'];
  const srpA = params['SRP_A'];
  if (!username) throw invalidParameter('Missing required parameter USERNAME');
  if (!srpA) throw invalidParameter('Missing required parameter SRP_A');
  const A = parseSrpA(srpA);
  // SRP-6a: the server aborts when A mod N is 0; Cognito answers a tampered SRP_A with
  // InvalidParameterException (amazon-cognito-identity-js#356).
  if (A === undefined || A % N === 0n) throw invalidParameter('SRP_A is invalid.');
  checkSecretHash(client, [username], params['SECRET_HASH']);
  const user = ctx.state.findUser(p, username);
  // PreventUserExistenceErrors: an unknown user gets a challenge like any other, and the answer fails as a wrong password.
  const { saltHex, verifier } = user ? verifierOf(ctx.state, p, user) : { saltHex: randomBytes(16).toString('hex'), verifier: randomVerifier() };
  const { b, B } = serverChallenge(verifier);
  const secretBlock = randomBytes(SECRET_BLOCK_BYTES).toString('base64');
  const session = randomBytes(96).toString('base64url');
  const userIdForSrp = user?.username ?? username;
  const now = ctx.now();
  dropExpired(ctx.state, now);
  ctx.state.srpChallenges.set(secretBlock, {
    poolId: p.id, clientId: client.clientId, username: user?.username, userIdForSrp, session, verifier, b, A, B, expiresAt: now + SESSION_LIFETIME_MS, used: false,
  });
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    Session: session,
    ChallengeParameters: { SALT: saltHex, SRP_B: B.toString(16), SECRET_BLOCK: secretBlock, USERNAME: userIdForSrp, USER_ID_FOR_SRP: userIdForSrp },
  };
}

function randomVerifier(): bigint {
  return BigInt(`0x${randomBytes(384).toString('hex')}`) % N;
}

/** The open challenge an answer names; refused when unknown, for another client, expired or already answered. */
function openChallenge(ctx: IdpContext, flow: FlowRequest, session: string | undefined): SrpChallenge {
  const block = flow.params['PASSWORD_CLAIM_SECRET_BLOCK'];
  if (!block) throw invalidParameter('Missing required parameter PASSWORD_CLAIM_SECRET_BLOCK');
  const challenge = ctx.state.srpChallenges.get(block);
  if (!challenge || challenge.poolId !== flow.pool.id || challenge.clientId !== flow.client.clientId || (session !== undefined && session !== challenge.session)) {
    throw notAuthorized('Invalid session for the user.');
  }
  if (challenge.used) throw notAuthorized('Invalid session for the user, session can only be used once.');
  if (challenge.expiresAt < ctx.now()) throw notAuthorized('Invalid session for the user, session is expired.');
  // One answer per challenge: a wrong password needs a new InitiateAuth, and a replayed answer is refused.
  challenge.used = true;
  return challenge;
}

/** RespondToAuthChallenge/AdminRespondToAuthChallenge PASSWORD_VERIFIER → tokens (or the next challenge). */
export async function respondToPasswordVerifier(ctx: IdpContext, flow: FlowRequest, input: Record<string, unknown>) {
  const { params } = flow;
  const username = params['USERNAME'];
  if (!username) throw invalidParameter('Missing required parameter USERNAME');
  for (const name of ['PASSWORD_CLAIM_SIGNATURE', 'TIMESTAMP']) if (!params[name]) throw invalidParameter(`Missing required parameter ${name}`);
  checkSecretHash(flow.client, [username], params['SECRET_HASH']);
  const challenge = openChallenge(ctx, flow, optionalString(input, 'Session'));
  const timestamp = params['TIMESTAMP'] ?? '';
  const signedAt = parseSrpTimestamp(timestamp);
  const fresh = signedAt !== undefined && Math.abs(signedAt - ctx.now()) <= TIMESTAMP_TOLERANCE_MS;
  const expected = claimSignature(serverSessionKey(challenge.A, challenge.verifier, challenge), {
    poolName: srpPoolName(flow.pool.id),
    userIdForSrp: challenge.userIdForSrp,
    secretBlock: params['PASSWORD_CLAIM_SECRET_BLOCK'] ?? '',
    timestamp,
  });
  const user = challenge.username === undefined ? undefined : flow.pool.users.get(challenge.username);
  const sameUser = user !== undefined && (username === user.username || ctx.state.findUser(flow.pool, username) === user);
  if (!user || !sameUser || !fresh || !signaturesMatch(expected, params['PASSWORD_CLAIM_SIGNATURE'] ?? '')) throw notAuthorized(INCORRECT_CREDENTIALS);
  return completeSignIn(ctx, flow, user);
}
