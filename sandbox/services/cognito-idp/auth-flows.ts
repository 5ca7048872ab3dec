import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AwsServiceError } from '../../wire/http';
import { invalidParameter, optionalString, requireString, stringMap, type JsonOperation } from '../../wire/json-target';
import { applyAttributes, assertClientMayWrite, attributeList } from './attributes';
import type { IdpContext } from './context';
import { INCORRECT_CREDENTIALS, USER_DISABLED, notAuthorized, resourceNotFound } from './errors';
import { checkPasswordPolicy, checkSecretHash, passwordMatches } from './passwords';
import type { AppClientRecord, PoolRecord, UserRecord } from './state';
import { authenticationResult } from './tokens';
import { runPostAuthentication } from './triggers';

/** Challenge sessions are valid for 3 minutes (default AuthSessionValidity). */
const SESSION_LIFETIME_MS = 3 * 60_000;

interface FlowRequest {
  readonly pool: PoolRecord;
  readonly client: AppClientRecord;
  readonly params: Record<string, string>;
  readonly req: IncomingMessage;
  readonly clientMetadata: Record<string, string> | undefined;
}

function newPasswordChallenge(ctx: IdpContext, { pool: p, client }: FlowRequest, user: UserRecord) {
  const session = randomBytes(96).toString('base64url');
  ctx.state.sessions.set(session, { poolId: p.id, username: user.username, clientId: client.clientId, expiresAt: ctx.now() + SESSION_LIFETIME_MS });
  const visible = Object.fromEntries([...user.attributes].filter(([name]) => name !== 'sub' && name !== 'email_verified' && name !== 'phone_number_verified'));
  return {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: session,
    ChallengeParameters: { USER_ID_FOR_SRP: user.username, requiredAttributes: '[]', userAttributes: JSON.stringify(visible) },
  };
}

async function passwordAuth(ctx: IdpContext, flow: FlowRequest) {
  const { pool: p, client, params } = flow;
  const username = params['USERNAME'];
  const password = params['PASSWORD'];
  if (!username) throw invalidParameter('Missing required parameter USERNAME');
  if (!password) throw invalidParameter('Missing required parameter PASSWORD');
  checkSecretHash(client, [username], params['SECRET_HASH']);
  const user = ctx.state.findUser(p, username);
  // PreventUserExistenceErrors (the default for new app clients): unknown users look like wrong passwords.
  if (!user || !passwordMatches(user, password)) throw notAuthorized(INCORRECT_CREDENTIALS);
  if (!user.enabled) throw notAuthorized(USER_DISABLED);
  if (user.status === 'UNCONFIRMED') throw new AwsServiceError(400, 'UserNotConfirmedException', 'User is not confirmed.');
  if (user.status === 'FORCE_CHANGE_PASSWORD') return newPasswordChallenge(ctx, flow, user);
  await runPostAuthentication(ctx.triggers, { pool: p, user, clientId: client.clientId, req: flow.req, clientMetadata: flow.clientMetadata });
  return authenticationResult(ctx, p, client, user);
}

async function refreshAuth(ctx: IdpContext, { pool: p, client, params }: FlowRequest) {
  const token = params['REFRESH_TOKEN'];
  if (!token) throw invalidParameter('Missing required parameter REFRESH_TOKEN');
  const grant = ctx.state.refreshGrants.get(token);
  if (!grant || grant.poolId !== p.id || grant.clientId !== client.clientId) throw notAuthorized('Invalid Refresh Token');
  const user = p.users.get(grant.username);
  if (!user || user.sub !== grant.sub) throw notAuthorized('Refresh Token has been revoked');
  checkSecretHash(client, [user.username, user.sub], params['SECRET_HASH']);
  if (!user.enabled) throw notAuthorized(USER_DISABLED);
  return authenticationResult(ctx, p, client, user, grant);
}

async function initiateAuth(ctx: IdpContext, pool: PoolRecord, client: AppClientRecord, input: Record<string, unknown>, req: IncomingMessage, admin: boolean) {
  const flowName = requireString(input, 'AuthFlow');
  const flow: FlowRequest = { pool, client, params: stringMap(input, 'AuthParameters') ?? {}, req, clientMetadata: stringMap(input, 'ClientMetadata') };
  if (flowName === (admin ? 'ADMIN_USER_PASSWORD_AUTH' : 'USER_PASSWORD_AUTH') || (admin && flowName === 'ADMIN_NO_SRP_AUTH')) return passwordAuth(ctx, flow);
  if (flowName === 'REFRESH_TOKEN_AUTH' || flowName === 'REFRESH_TOKEN') return refreshAuth(ctx, flow);
  throw invalidParameter(`${flowName} flow is not supported by the sandbox (use ${admin ? 'ADMIN_USER_PASSWORD_AUTH' : 'USER_PASSWORD_AUTH'} or REFRESH_TOKEN_AUTH)`);
}

async function respondToNewPasswordChallenge(ctx: IdpContext, input: Record<string, unknown>, req: IncomingMessage) {
  const { pool: p, client } = ctx.state.clientById(requireString(input, 'ClientId'));
  const challenge = requireString(input, 'ChallengeName');
  const responses = stringMap(input, 'ChallengeResponses') ?? {};
  const sessionId = optionalString(input, 'Session');
  const session = sessionId === undefined ? undefined : ctx.state.sessions.get(sessionId);
  if (challenge !== 'NEW_PASSWORD_REQUIRED') throw invalidParameter(`Challenge ${challenge} is not supported by the sandbox`);
  if (!session || !sessionId || session.expiresAt < ctx.now() || session.clientId !== client.clientId || session.poolId !== p.id) {
    throw notAuthorized('Invalid session for the user, session is expired.');
  }
  const username = responses['USERNAME'];
  if (!username) throw invalidParameter('Missing required parameter USERNAME');
  checkSecretHash(client, [username], responses['SECRET_HASH']);
  const user = ctx.state.findUser(p, username);
  if (!user || user.username !== session.username) throw notAuthorized('Invalid session for the user.');
  const newPassword = responses['NEW_PASSWORD'];
  if (!newPassword) throw invalidParameter('Missing required parameter NEW_PASSWORD');
  checkPasswordPolicy(p.settings.Policies.PasswordPolicy, newPassword);
  const attributes = Object.entries(responses)
    .filter(([key]) => key.startsWith('userAttributes.'))
    .map(([key, value]) => ({ Name: key.slice('userAttributes.'.length), Value: value }));
  const parsed = attributeList(p, { UserAttributes: attributes }, 'UserAttributes');
  assertClientMayWrite(p, client, parsed);
  ctx.state.sessions.delete(sessionId);
  user.password = newPassword;
  user.status = 'CONFIRMED';
  applyAttributes(user, parsed, ctx.now());
  await runPostAuthentication(ctx.triggers, { pool: p, user, clientId: client.clientId, req, clientMetadata: stringMap(input, 'ClientMetadata') });
  return authenticationResult(ctx, p, client, user);
}

/** Sign-in: InitiateAuth, AdminInitiateAuth (password and refresh flows) and the new-password challenge. */
export function authFlowOperations(ctx: IdpContext): Record<string, JsonOperation> {
  return {
    InitiateAuth: (input, { req }) => {
      const { pool: p, client } = ctx.state.clientById(requireString(input, 'ClientId'));
      return initiateAuth(ctx, p, client, input, req, false);
    },
    AdminInitiateAuth: (input, request) => {
      const p = ctx.state.pool(requireString(input, 'UserPoolId'));
      ctx.requireBackend(request, 'AdminInitiateAuth', p);
      const clientId = requireString(input, 'ClientId');
      const client = p.clients.get(clientId);
      if (!client) throw resourceNotFound(`User pool client ${clientId} does not exist.`);
      return initiateAuth(ctx, p, client, input, request.req, true);
    },
    RespondToAuthChallenge: (input, { req }) => respondToNewPasswordChallenge(ctx, input, req),
  };
}
