import type { IssuedCredentials } from '../../wire/credentials';
import { epochSeconds, invalidParameter, optionalBoolean, optionalNumber, optionalString, optionalStringList, requireString, stringMap, type JsonOperation } from '../../wire/json-target';
import { applyAttributes, attributeList, nameValueMap } from './attributes';
import type { IdpContext, OperationRequest } from './context';
import { notAuthorized, resourceNotFound, userNotFound, usernameExists } from './errors';
import { recordUserCall } from './events';
import { listFilter } from './list-filter';
import { decodePaginationToken, encodePaginationToken } from './pagination';
import { checkPasswordPolicy, temporaryPassword } from './passwords';
import { userOutput, type PoolRecord, type UserRecord } from './state';
import { runPreSignUp } from './triggers';

interface AdminTarget {
  readonly pool: PoolRecord;
  readonly user: UserRecord;
  readonly caller: IssuedCredentials;
}

/** The pool and user an Admin* call names, after its signature is checked (UserNotFoundException when absent). */
function adminTarget(ctx: IdpContext, input: Record<string, unknown>, request: OperationRequest, operation: string): AdminTarget {
  const p = ctx.state.pool(requireString(input, 'UserPoolId'));
  const caller = ctx.requireBackend(request, operation, p);
  return { pool: p, user: ctx.state.existingUser(p, requireString(input, 'Username')), caller };
}

/**
 * AdminCreateUser: the pool's pre sign-up trigger runs first (`PreSignUp_AdminCreateUser`; its
 * answer's flags are ignored for this call), and a refusal creates nobody.
 */
async function adminCreateUser(ctx: IdpContext, input: Record<string, unknown>, request: OperationRequest) {
  const p = ctx.state.pool(requireString(input, 'UserPoolId'));
  ctx.requireBackend(request, 'AdminCreateUser', p);
  const username = requireString(input, 'Username');
  const action = optionalString(input, 'MessageAction');
  if (action !== undefined && action !== 'SUPPRESS' && action !== 'RESEND') throw invalidParameter(`Invalid MessageAction ${action}`);
  const attributes = attributeList(p, input, 'UserAttributes');
  const existing = ctx.state.findUser(p, username);
  if (action === 'RESEND') {
    if (!existing) throw userNotFound();
    return { User: userOutput(existing) };
  }
  if (existing) throw usernameExists('User account already exists');
  const passwordPolicy = p.settings.Policies.PasswordPolicy;
  const temporary = optionalString(input, 'TemporaryPassword') ?? temporaryPassword(passwordPolicy);
  checkPasswordPolicy(passwordPolicy, temporary);
  const user = ctx.state.newUser(username, temporary, 'FORCE_CHANGE_PASSWORD');
  applyAttributes(user, attributes, ctx.now());
  await runPreSignUp(ctx.triggers, {
    pool: p,
    username,
    attributes: user.attributes,
    clientId: undefined,
    req: request.req,
    validationData: nameValueMap(input, 'ValidationData'),
    clientMetadata: stringMap(input, 'ClientMetadata'),
  });
  // The trigger ran without holding the name: a concurrent creation may have taken it.
  if (ctx.state.findUser(p, username)) throw usernameExists('User account already exists');
  p.users.set(username, user);
  return { User: userOutput(user) };
}

function listUsers(ctx: IdpContext, input: Record<string, unknown>, request: OperationRequest) {
  const p = ctx.state.pool(requireString(input, 'UserPoolId'));
  ctx.requireBackend(request, 'ListUsers', p);
  // Limit: 0 to 60 (ListUsers API); 0 or absent returns up to 60.
  const requested = optionalNumber(input, 'Limit') ?? 0;
  if (!Number.isInteger(requested) || requested < 0 || requested > 60) {
    throw invalidParameter(`1 validation error detected: Value '${requested}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60`);
  }
  const limit = requested === 0 ? 60 : requested;
  const start = decodePaginationToken(optionalString(input, 'PaginationToken'));
  const attributesToGet = optionalStringList(input, 'AttributesToGet');
  const matches = [...p.users.values()].filter(listFilter(optionalString(input, 'Filter')));
  const page = matches.slice(start, start + limit).map((user) => userOutput(user, attributesToGet));
  const next = start + limit < matches.length ? encodePaginationToken(start + limit) : undefined;
  return { Users: page, ...(next ? { PaginationToken: next } : {}) };
}

function adminUpdateUserAttributes(ctx: IdpContext, input: Record<string, unknown>, request: OperationRequest) {
  const { pool: p, user } = adminTarget(ctx, input, request, 'AdminUpdateUserAttributes');
  // Backend writes bypass app-client write permissions, so read-only custom attributes are writable here.
  const attributes = attributeList(p, input, 'UserAttributes');
  const emailChanged = attributes.some((a) => a.name === 'email' && a.value !== user.attributes.get('email'));
  applyAttributes(user, attributes, ctx.now());
  // A new email is unverified unless the same call sets email_verified.
  if (emailChanged && !attributes.some((a) => a.name === 'email_verified')) user.attributes.set('email_verified', 'false');
  return {};
}

/**
 * AdminDeleteUserAttributes: removes the named attributes (custom ones by their `custom:` name);
 * `sub` is immutable and cannot be deleted. Names the user does not have are ignored.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminDeleteUserAttributes.html
 */
function adminDeleteUserAttributes(ctx: IdpContext, input: Record<string, unknown>, request: OperationRequest) {
  const { user } = adminTarget(ctx, input, request, 'AdminDeleteUserAttributes');
  const names = optionalStringList(input, 'UserAttributeNames');
  if (!names || names.length === 0) throw invalidParameter('UserAttributeNames is required.');
  if (names.includes('sub')) throw invalidParameter('Cannot modify the non-mutable attribute sub');
  applyAttributes(user, names.map((name) => ({ name, value: '' })), ctx.now());
  return {};
}

/** DescribeUserPoolClient: the client's settings, including its secret (the SDK's `UserPoolClientType`). */
function describeUserPoolClient(ctx: IdpContext, input: Record<string, unknown>, request: OperationRequest) {
  const p = ctx.state.pool(requireString(input, 'UserPoolId'));
  ctx.requireBackend(request, 'DescribeUserPoolClient', p);
  const clientId = requireString(input, 'ClientId');
  const client = p.clients.get(clientId);
  if (!client) throw resourceNotFound(`User pool client ${clientId} does not exist.`);
  return {
    UserPoolClient: {
      UserPoolId: p.id,
      ClientName: client.clientName,
      ClientId: client.clientId,
      ...(client.clientSecret === undefined ? {} : { ClientSecret: client.clientSecret }),
      CreationDate: epochSeconds(client.createdAt),
      LastModifiedDate: epochSeconds(client.createdAt),
      ExplicitAuthFlows: [...client.explicitAuthFlows],
      ...(client.readAttributes ? { ReadAttributes: [...client.readAttributes] } : {}),
      ...(client.writeAttributes ? { WriteAttributes: [...client.writeAttributes] } : {}),
      RefreshTokenValidity: 30,
      TokenValidityUnits: { AccessToken: 'hours', IdToken: 'hours', RefreshToken: 'days' },
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AuthSessionValidity: 3,
    },
  };
}

/** The IAM-authorized user administration operations (SigV4 of the backend required). */
export function adminOperations(ctx: IdpContext): Record<string, JsonOperation> {
  return {
    ...userAdministration(ctx),
    AdminCreateUser: (input, request) => adminCreateUser(ctx, input, request),
    AdminConfirmSignUp: (input, request) => {
      const { pool: p, user } = adminTarget(ctx, input, request, 'AdminConfirmSignUp');
      if (user.status !== 'UNCONFIRMED') throw notAuthorized(`User cannot be confirmed. Current status is ${user.status}`);
      // As the sandbox always did: an unverified email of a pool that auto-verifies email becomes verified.
      const autoVerified = (p.settings.AutoVerifiedAttributes ?? []).includes('email') && !user.attributes.has('email_verified');
      ctx.state.confirm(user, autoVerified ? 'email' : undefined);
      return {};
    },
    AdminSetUserPassword: (input, request) => {
      const { pool: p, user } = adminTarget(ctx, input, request, 'AdminSetUserPassword');
      const password = requireString(input, 'Password');
      checkPasswordPolicy(p.settings.Policies.PasswordPolicy, password);
      user.password = password;
      user.status = optionalBoolean(input, 'Permanent') ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
      delete user.confirmation;
      user.modifiedAt = ctx.now();
      return {};
    },
    AdminUpdateUserAttributes: (input, request) => adminUpdateUserAttributes(ctx, input, request),
    AdminDeleteUserAttributes: (input, request) => adminDeleteUserAttributes(ctx, input, request),
    ListUsers: (input, request) => listUsers(ctx, input, request),
    DescribeUserPoolClient: (input, request) => describeUserPoolClient(ctx, input, request),
  };
}

/**
 * Deleting, disabling, enabling and reading a user. AdminDisableUser "deactivates a user profile
 * and revokes all access tokens for the user"; disabling and deleting are recorded in CloudTrail
 * (events.ts) once they succeeded.
 */
function userAdministration(ctx: IdpContext): Record<string, JsonOperation> {
  return {
    AdminDeleteUser: (input, request) => {
      const { pool: p, user, caller } = adminTarget(ctx, input, request, 'AdminDeleteUser');
      ctx.state.deleteUser(p, user);
      recordUserCall(ctx.cloudTrail, 'AdminDeleteUser', { pool: p, user, req: request.req, caller, eventTime: ctx.now() });
      return {};
    },
    AdminDisableUser: (input, request) => {
      const { pool: p, user, caller } = adminTarget(ctx, input, request, 'AdminDisableUser');
      user.enabled = false;
      user.modifiedAt = ctx.now();
      ctx.state.revokeAccessTokens(user);
      recordUserCall(ctx.cloudTrail, 'AdminDisableUser', { pool: p, user, req: request.req, caller, eventTime: ctx.now() });
      return {};
    },
    AdminEnableUser: (input, request) => {
      const { user } = adminTarget(ctx, input, request, 'AdminEnableUser');
      user.enabled = true;
      user.modifiedAt = ctx.now();
      return {};
    },
    AdminGetUser: (input, request) => {
      const { user } = adminTarget(ctx, input, request, 'AdminGetUser');
      const { Attributes, ...rest } = userOutput(user);
      return { ...rest, UserAttributes: Attributes };
    },
  };
}
