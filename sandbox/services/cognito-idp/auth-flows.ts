import type { IncomingMessage } from 'node:http';
import { invalidParameter, optionalString, requireString, stringMap, type JsonOperation } from '../../wire/json-target';
import { applyAttributes, assertClientMayWrite, attributeList } from './attributes';
import type { IdpContext, OperationRequest } from './context';
import { INCORRECT_CREDENTIALS, USER_DISABLED, notAuthorized, resourceNotFound } from './errors';
import { checkPasswordPolicy, checkSecretHash, passwordMatches } from './passwords';
import { completeSignIn, type FlowRequest } from './sign-in';
import { respondToPasswordVerifier, srpAuth } from './srp-flow';
import type { AppClientRecord, PoolRecord } from './state';
import { authenticationResult } from './tokens';
import { runPostAuthentication } from './triggers';

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
  return completeSignIn(ctx, flow, user);
}

async function refreshAuth(ctx: IdpContext, { pool: p, client, params }: FlowRequest) {
  const token = params['REFRESH_TOKEN'];
  if (!token) throw invalidParameter('Missing required parameter REFRESH_TOKEN');
  const grant = ctx.state.refreshGrants.get(token);
  if (!grant && ctx.state.revokedRefreshTokens.has(token)) throw notAuthorized('Refresh Token has been revoked');
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
  if (flowName === 'USER_SRP_AUTH') return srpAuth(ctx, flow);
  throw invalidParameter(`${flowName} flow is not supported by the sandbox (use ${admin ? 'ADMIN_USER_PASSWORD_AUTH' : 'USER_PASSWORD_AUTH'}, USER_SRP_AUTH or REFRESH_TOKEN_AUTH)`);
}

async function respondToNewPasswordChallenge(ctx: IdpContext, input: Record<string, unknown>, req: IncomingMessage) {
  const { pool: p, client } = ctx.state.clientById(requireString(input, 'ClientId'));
  const challenge = requireString(input, 'ChallengeName');
  const responses = stringMap(input, 'ChallengeResponses') ?? {};
  const sessionId = optionalString(input, 'Session');
  const session = sessionId === undefined ? undefined : ctx.state.sessions.get(sessionId);
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

/** RespondToAuthChallenge and AdminRespondToAuthChallenge: PASSWORD_VERIFIER (SRP) and NEW_PASSWORD_REQUIRED. */
function respondToAuthChallenge(ctx: IdpContext, pool: PoolRecord, client: AppClientRecord, input: Record<string, unknown>, req: IncomingMessage) {
  const challenge = requireString(input, 'ChallengeName');
  const params = stringMap(input, 'ChallengeResponses') ?? {};
  if (challenge === 'PASSWORD_VERIFIER') return respondToPasswordVerifier(ctx, { pool, client, params, req, clientMetadata: stringMap(input, 'ClientMetadata') }, input);
  if (challenge !== 'NEW_PASSWORD_REQUIRED') throw invalidParameter(`Challenge ${challenge} is not supported by the sandbox`);
  return respondToNewPasswordChallenge(ctx, input, req);
}

/** An Admin* sign-in call's pool and app client (the backend's signature required). */
function adminClient(ctx: IdpContext, input: Record<string, unknown>, request: OperationRequest, operation: string) {
  const p = ctx.state.pool(requireString(input, 'UserPoolId'));
  ctx.requireBackend(request, operation, p);
  const clientId = requireString(input, 'ClientId');
  const client = p.clients.get(clientId);
  if (!client) throw resourceNotFound(`User pool client ${clientId} does not exist.`);
  return { pool: p, client };
}

/** Sign-in: InitiateAuth, AdminInitiateAuth (password, SRP and refresh flows) and their challenges. */
export function authFlowOperations(ctx: IdpContext): Record<string, JsonOperation> {
  return {
    InitiateAuth: (input, { req }) => {
      const { pool: p, client } = ctx.state.clientById(requireString(input, 'ClientId'));
      return initiateAuth(ctx, p, client, input, req, false);
    },
    AdminInitiateAuth: (input, request) => {
      const { pool: p, client } = adminClient(ctx, input, request, 'AdminInitiateAuth');
      return initiateAuth(ctx, p, client, input, request.req, true);
    },
    RespondToAuthChallenge: (input, { req }) => {
      const { pool: p, client } = ctx.state.clientById(requireString(input, 'ClientId'));
      return respondToAuthChallenge(ctx, p, client, input, req);
    },
    AdminRespondToAuthChallenge: (input, request) => {
      const { pool: p, client } = adminClient(ctx, input, request, 'AdminRespondToAuthChallenge');
      if (requireString(input, 'ChallengeName') !== 'PASSWORD_VERIFIER') throw invalidParameter('AdminRespondToAuthChallenge answers PASSWORD_VERIFIER only in the sandbox');
      return respondToAuthChallenge(ctx, p, client, input, request.req);
    },
  };
}
