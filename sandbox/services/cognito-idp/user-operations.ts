import { AwsServiceError } from '../../wire/http';
import { optionalString, requireString, type JsonOperation } from '../../wire/json-target';
import { applyAttributes, assertClientMayWrite, attributeList, isReadable } from './attributes';
import type { IdpContext } from './context';
import { notAuthorized, userNotFound } from './errors';
import { recordUserCall } from './events';
import { checkPasswordPolicy, checkSecretHash } from './passwords';
import { attributeOutput, maskEmail } from './state';
import { accessTokenUser } from './tokens';

/** Sign-up confirmation codes expire after 24 hours. */
const CODE_LIFETIME_MS = 24 * 3600_000;

function signUp(ctx: IdpContext, input: Record<string, unknown>) {
  const { pool: p, client } = ctx.state.clientById(requireString(input, 'ClientId'));
  const username = requireString(input, 'Username');
  const password = requireString(input, 'Password');
  checkSecretHash(client, [username], optionalString(input, 'SecretHash'));
  const attributes = attributeList(p, input, 'UserAttributes');
  assertClientMayWrite(p, client, attributes);
  if (ctx.state.findUser(p, username)) throw new AwsServiceError(400, 'UsernameExistsException', 'User already exists');
  checkPasswordPolicy(password);
  const user = ctx.state.newUser(username, password, 'UNCONFIRMED');
  applyAttributes(user, attributes, ctx.now());
  ctx.state.issueConfirmationCode(user);
  p.users.set(username, user);
  const email = user.attributes.get('email');
  return {
    UserConfirmed: false,
    UserSub: user.sub,
    ...(email ? { CodeDeliveryDetails: { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' } } : {}),
  };
}

function confirmSignUp(ctx: IdpContext, input: Record<string, unknown>) {
  const { pool: p, client } = ctx.state.clientById(requireString(input, 'ClientId'));
  const username = requireString(input, 'Username');
  const code = requireString(input, 'ConfirmationCode');
  checkSecretHash(client, [username], optionalString(input, 'SecretHash'));
  const user = ctx.state.findUser(p, username);
  if (!user) throw userNotFound('Username/client id combination not found.');
  if (user.status !== 'UNCONFIRMED' || !user.confirmation) throw notAuthorized(`User cannot be confirmed. Current status is ${user.status}`);
  if (user.confirmation.code !== code) throw new AwsServiceError(400, 'CodeMismatchException', 'Invalid verification code provided, please try again.');
  if (ctx.now() - user.confirmation.issuedAt > CODE_LIFETIME_MS) throw new AwsServiceError(400, 'ExpiredCodeException', 'Invalid code provided, please request a code again.');
  ctx.state.confirm(user);
  return {};
}

async function updateUserAttributes(ctx: IdpContext, input: Record<string, unknown>) {
  const { pool: p, client, user } = await accessTokenUser(ctx.state, requireString(input, 'AccessToken'));
  const attributes = attributeList(p, input, 'UserAttributes');
  assertClientMayWrite(p, client, attributes);
  const emailChange = attributes.find((a) => a.name === 'email' && a.value !== user.attributes.get('email'));
  applyAttributes(user, attributes, ctx.now());
  if (emailChange) {
    // A changed email is unverified until the user confirms the code sent to it.
    user.attributes.set('email_verified', 'false');
    return { CodeDeliveryDetailsList: [{ Destination: maskEmail(emailChange.value), DeliveryMedium: 'EMAIL', AttributeName: 'email' }] };
  }
  return { CodeDeliveryDetailsList: [] };
}

/** What app clients and signed-in users call themselves (no IAM: client id or access token). */
export function userOperations(ctx: IdpContext): Record<string, JsonOperation> {
  return {
    SignUp: (input) => signUp(ctx, input),
    ConfirmSignUp: (input) => confirmSignUp(ctx, input),
    GetUser: async (input) => {
      const { client, user } = await accessTokenUser(ctx.state, requireString(input, 'AccessToken'));
      return { Username: user.username, UserAttributes: attributeOutput(user, (name) => isReadable(client, name)) };
    },
    UpdateUserAttributes: (input) => updateUserAttributes(ctx, input),
    // DeleteUser: "Allows a user to delete their own user profile" with their access token; the
    // token (and every other token of the user) is revoked, so a second call is NotAuthorizedException.
    DeleteUser: async (input, { req }) => {
      const { pool: p, user } = await accessTokenUser(ctx.state, requireString(input, 'AccessToken'));
      ctx.state.deleteUser(p, user);
      recordUserCall(ctx.cloudTrail, 'DeleteUser', { pool: p, user, req, eventTime: ctx.now() });
      return {};
    },
  };
}
