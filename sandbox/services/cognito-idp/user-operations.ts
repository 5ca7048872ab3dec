import type { IncomingMessage } from 'node:http';
import { AwsServiceError } from '../../wire/http';
import { optionalString, requireString, stringMap, type JsonOperation } from '../../wire/json-target';
import { applyAttributes, assertClientMayWrite, attributeList, isReadable, nameValueMap } from './attributes';
import type { IdpContext } from './context';
import { notAuthorized, userNotFound, usernameExists } from './errors';
import { recordUserCall } from './events';
import { checkPasswordPolicy, checkSecretHash } from './passwords';
import { attributeOutput, maskDestination, maskEmail, type CodeDelivery, type PoolRecord, type UserRecord } from './state';
import { accessTokenUser } from './tokens';
import { runPreSignUp, type PreSignUpResponse } from './triggers';

/** Sign-up confirmation codes expire after 24 hours. */
const CODE_LIFETIME_MS = 24 * 3600_000;

/**
 * Where Cognito sends the sign-up code: to an attribute the pool auto-verifies
 * (AutoVerifiedAttributes), the phone number when it verifies both ("If both email and phone is
 * set, Cognito only verifies the phone number", aws-cdk-lib's AutoVerifiedAttrs, after the
 * developer guide's "Configuring email or phone verification"). A pool that verifies nothing
 * sends none: an administrator confirms the user (AdminConfirmSignUp) or a pre sign-up trigger
 * auto-confirms them.
 */
function codeDelivery(p: PoolRecord, user: UserRecord): CodeDelivery | undefined {
  const verified = p.settings.AutoVerifiedAttributes ?? [];
  if (verified.includes('phone_number') && user.attributes.has('phone_number')) return { medium: 'SMS', attribute: 'phone_number' };
  if (verified.includes('email') && user.attributes.has('email')) return { medium: 'EMAIL', attribute: 'email' };
  return undefined;
}

/** `CodeDeliveryDetails` as SignUp and ResendConfirmationCode answer it: the destination masked. */
function codeDeliveryDetails(delivery: CodeDelivery, destination: string) {
  return { Destination: maskDestination(delivery, destination), DeliveryMedium: delivery.medium, AttributeName: delivery.attribute };
}

/** Applies the pre sign-up trigger's answer: auto-confirmed users get no code; auto-verified attributes are verified. */
function applyPreSignUp(ctx: IdpContext, p: PoolRecord, user: UserRecord, answer: PreSignUpResponse): CodeDelivery | undefined {
  if (answer.autoVerifyEmail && user.attributes.has('email')) user.attributes.set('email_verified', 'true');
  if (answer.autoVerifyPhone && user.attributes.has('phone_number')) user.attributes.set('phone_number_verified', 'true');
  if (answer.autoConfirmUser) {
    user.status = 'CONFIRMED';
    return undefined;
  }
  const delivery = codeDelivery(p, user);
  if (delivery) ctx.state.issueConfirmationCode(p, user, delivery);
  return delivery;
}

async function signUp(ctx: IdpContext, input: Record<string, unknown>, req: IncomingMessage) {
  const { pool: p, client } = ctx.state.clientById(requireString(input, 'ClientId'));
  const username = requireString(input, 'Username');
  const password = requireString(input, 'Password');
  checkSecretHash(client, [username], optionalString(input, 'SecretHash'));
  // AllowAdminCreateUserOnly: "only administrators can create users in this pool and calls to the
  // SignUp API fail with NotAuthorizedException" (developer guide, user pool policies).
  if (p.settings.AdminCreateUserConfig?.AllowAdminCreateUserOnly) throw notAuthorized('SignUp is not permitted for this user pool');
  const attributes = attributeList(p, input, 'UserAttributes');
  assertClientMayWrite(p, client, attributes);
  if (ctx.state.findUser(p, username)) throw usernameExists('User already exists');
  checkPasswordPolicy(p.settings.Policies.PasswordPolicy, password);
  const user = ctx.state.newUser(username, password, 'UNCONFIRMED');
  applyAttributes(user, attributes, ctx.now());
  const answer = await runPreSignUp(ctx.triggers, {
    pool: p,
    username,
    attributes: user.attributes,
    clientId: client.clientId,
    req,
    validationData: nameValueMap(input, 'ValidationData'),
    clientMetadata: stringMap(input, 'ClientMetadata'),
  });
  // The trigger ran without holding the name: a concurrent sign-up may have taken it.
  if (ctx.state.findUser(p, username)) throw usernameExists('User already exists');
  const delivery = applyPreSignUp(ctx, p, user, answer);
  p.users.set(username, user);
  const destination = delivery && user.attributes.get(delivery.attribute);
  return {
    UserConfirmed: user.status === 'CONFIRMED',
    UserSub: user.sub,
    ...(delivery && destination ? { CodeDeliveryDetails: codeDeliveryDetails(delivery, destination) } : {}),
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
  ctx.state.confirm(user, user.confirmation.delivery.attribute);
  return {};
}

/**
 * ResendConfirmationCode: a new code to the same attribute, the previous one no longer matches
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResendConfirmationCode.html).
 * A confirmed user gets InvalidParameterException "User is already confirmed." (what Cognito answers;
 * observed behaviour, not in the API reference).
 */
function resendConfirmationCode(ctx: IdpContext, input: Record<string, unknown>) {
  const { pool: p, client } = ctx.state.clientById(requireString(input, 'ClientId'));
  const username = requireString(input, 'Username');
  checkSecretHash(client, [username], optionalString(input, 'SecretHash'));
  const user = ctx.state.findUser(p, username);
  // The sandbox's app clients prevent user existence errors (PreventUserExistenceErrors ENABLED):
  // for an unknown user Cognito "returns CodeDeliveryDetails ... with a simulated delivery medium"
  // and sends nothing (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html).
  // The simulated destination's form is not documented; this one is masked like a real one.
  if (!user) return { CodeDeliveryDetails: codeDeliveryDetails({ medium: 'EMAIL', attribute: 'email' }, `${username}@example.com`) };
  if (user.status !== 'UNCONFIRMED') throw new AwsServiceError(400, 'InvalidParameterException', 'User is already confirmed.');
  const delivery = user.confirmation?.delivery ?? codeDelivery(p, user);
  const destination = delivery && user.attributes.get(delivery.attribute);
  if (!delivery || !destination) throw new AwsServiceError(400, 'InvalidParameterException', 'Cannot resend codes. Auto verification not turned on.');
  ctx.state.issueConfirmationCode(p, user, delivery);
  return { CodeDeliveryDetails: codeDeliveryDetails(delivery, destination) };
}

/**
 * RevokeToken: "Revokes all of the access tokens generated by, and at the same time as, the
 * specified refresh token" (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html).
 * The client's secret is required when it has one. A token Cognito does not know is answered like
 * a revoked one, with success (RFC 7009's rule; inferred for Cognito); one issued to another client
 * is UnauthorizedException (inferred).
 */
function revokeToken(ctx: IdpContext, input: Record<string, unknown>) {
  const { pool: p, client } = ctx.state.clientById(requireString(input, 'ClientId'));
  const token = requireString(input, 'Token');
  const secret = optionalString(input, 'ClientSecret');
  if (client.clientSecret !== undefined && secret !== client.clientSecret) throw new AwsServiceError(400, 'UnauthorizedException', 'Client authentication failed.');
  const grant = ctx.state.refreshGrants.get(token);
  if (!grant || grant.poolId !== p.id) return {};
  if (grant.clientId !== client.clientId) throw new AwsServiceError(400, 'UnauthorizedException', 'The token was issued to a different client.');
  ctx.state.revokeRefreshToken(token, grant);
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
    SignUp: (input, { req }) => signUp(ctx, input, req),
    ConfirmSignUp: (input) => confirmSignUp(ctx, input),
    ResendConfirmationCode: (input) => resendConfirmationCode(ctx, input),
    RevokeToken: (input) => revokeToken(ctx, input),
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
