import { AwsServiceError } from '../http';
import { invalidParameter, optionalBoolean, optionalNumber, optionalString, requireString, type JsonOperation } from '../json-target';
import { applyAttributes, attributeList } from './attributes';
import type { IdpContext, OperationRequest } from './context';
import { notAuthorized, userNotFound } from './errors';
import { listFilter } from './list-filter';
import { checkPasswordPolicy } from './passwords';
import { randomString, userOutput, type PoolRecord, type UserRecord } from './state';

/** The pool and user an Admin* call names, after its signature is checked. */
function adminTarget(ctx: IdpContext, input: Record<string, unknown>, request: OperationRequest, operation: string): { pool: PoolRecord; user: UserRecord } {
  const p = ctx.state.pool(requireString(input, 'UserPoolId'));
  ctx.requireBackend(request, operation, p);
  return { pool: p, user: ctx.state.existingUser(p, requireString(input, 'Username')) };
}

function adminCreateUser(ctx: IdpContext, input: Record<string, unknown>, request: OperationRequest) {
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
  if (existing) throw new AwsServiceError(400, 'UsernameExistsException', 'User account already exists');
  const temporary = optionalString(input, 'TemporaryPassword') ?? `Tmp${randomString('alnum', 9)}1a`;
  checkPasswordPolicy(temporary);
  const user = ctx.state.newUser(username, temporary, 'FORCE_CHANGE_PASSWORD');
  applyAttributes(user, attributes, ctx.now());
  p.users.set(username, user);
  return { User: userOutput(user) };
}

function listUsers(ctx: IdpContext, input: Record<string, unknown>, request: OperationRequest) {
  const p = ctx.state.pool(requireString(input, 'UserPoolId'));
  ctx.requireBackend(request, 'ListUsers', p);
  const limit = optionalNumber(input, 'Limit') ?? 60;
  if (!Number.isInteger(limit) || limit < 0 || limit > 60) throw invalidParameter('Limit must be between 0 and 60');
  const start = Number(optionalString(input, 'PaginationToken') ?? '0');
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('Invalid pagination token');
  const matches = [...p.users.values()].filter(listFilter(optionalString(input, 'Filter')));
  const page = matches.slice(start, start + limit);
  const next = start + limit < matches.length ? String(start + limit) : undefined;
  return { Users: page.map(userOutput), ...(next ? { PaginationToken: next } : {}) };
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

/** The IAM-authorized user administration operations (SigV4 of the backend required). */
export function adminOperations(ctx: IdpContext): Record<string, JsonOperation> {
  const setEnabled = (operation: string, enabled: boolean): JsonOperation => (input, request) => {
    const { user } = adminTarget(ctx, input, request, operation);
    user.enabled = enabled;
    user.modifiedAt = ctx.now();
    return {};
  };
  return {
    AdminCreateUser: (input, request) => adminCreateUser(ctx, input, request),
    AdminConfirmSignUp: (input, request) => {
      const { user } = adminTarget(ctx, input, request, 'AdminConfirmSignUp');
      if (user.status !== 'UNCONFIRMED') throw notAuthorized(`User cannot be confirmed. Current status is ${user.status}`);
      ctx.state.confirm(user);
      return {};
    },
    AdminSetUserPassword: (input, request) => {
      const { user } = adminTarget(ctx, input, request, 'AdminSetUserPassword');
      const password = requireString(input, 'Password');
      checkPasswordPolicy(password);
      user.password = password;
      user.status = optionalBoolean(input, 'Permanent') ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
      delete user.confirmation;
      user.modifiedAt = ctx.now();
      return {};
    },
    AdminDeleteUser: (input, request) => {
      const { pool: p, user } = adminTarget(ctx, input, request, 'AdminDeleteUser');
      ctx.state.deleteUser(p, user);
      return {};
    },
    AdminDisableUser: setEnabled('AdminDisableUser', false),
    AdminEnableUser: setEnabled('AdminEnableUser', true),
    AdminGetUser: (input, request) => {
      const { user } = adminTarget(ctx, input, request, 'AdminGetUser');
      const { Attributes, ...rest } = userOutput(user);
      return { ...rest, UserAttributes: Attributes };
    },
    AdminUpdateUserAttributes: (input, request) => adminUpdateUserAttributes(ctx, input, request),
    ListUsers: (input, request) => listUsers(ctx, input, request),
  };
}
