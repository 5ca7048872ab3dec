import { createHmac } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeEach, describe, expect, it } from 'vitest';
import { type PreSignUpEvent } from '../../../../sandbox/services/cognito-idp';
import { errorOf } from '../../../support/aws-error';
import { lambdaArn, TEAM_TRIGGERS, teamPoolRequest, updateRequestFrom } from '../../../support/existing-user-pool';
import { cognitoIdpFixture } from '../../../support/cognito-idp-fixture';

const f = cognitoIdpFixture();

const PASSWORD = 'Long-enough-pass1';
const PRODUCT_TRIGGER = lambdaArn('product-post-authentication');

let counter = 0;
/** Every invocation of a registered function, by function name. */
let calls: Array<{ fn: string; event: Record<string, unknown> }> = [];

/** Registers a function that records its events and answers them with `response` merged in (as a trigger returns its event). */
function register(arn: string, response: Record<string, unknown> = {}): void {
  f.idp.registerFunction(arn, async (event) => {
    const e = event as Record<string, unknown>;
    calls.push({ fn: arn.split(':').pop() ?? arn, event: e });
    return { ...e, response: { ...(e['response'] as object), ...response } };
  });
}

const invoked = (arn: string) => calls.filter((c) => c.fn === arn.split(':').pop()).map((c) => c.event);

/** A team pool with an app client (no secret). */
async function teamPool(settings: Record<string, unknown> = {}): Promise<{ userPoolId: string; clientId: string }> {
  const out = await f.cognito.send(new CreateUserPoolCommand({ ...teamPoolRequest(`triggers-${++counter}`), ...settings }));
  const userPoolId = out.UserPool?.Id ?? '';
  return { userPoolId, clientId: f.idp.createAppClient(userPoolId, { generateSecret: false }).clientId };
}

function signUp(clientId: string, username: string, password = PASSWORD) {
  return f.cognito.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: username,
      Password: password,
      UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }],
      ValidationData: [{ Name: 'invite', Value: 'abc' }],
      ClientMetadata: { source: 'test' },
    }),
  );
}

async function confirmedUser(userPoolId: string, username = `user${++counter}`): Promise<string> {
  await f.cognito.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, MessageAction: 'SUPPRESS' }));
  await f.cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: PASSWORD, Permanent: true }));
  return username;
}

const signIn = (clientId: string, username: string) =>
  f.cognito.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD } }));

async function setPostAuthentication(userPoolId: string, functionArn: string | undefined): Promise<void> {
  const pool = (await f.cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))).UserPool ?? {};
  const { PostAuthentication: _previous, ...others } = pool.LambdaConfig ?? {};
  await f.cognito.send(new UpdateUserPoolCommand({ ...updateRequestFrom(userPoolId, pool), LambdaConfig: { ...others, ...(functionArn ? { PostAuthentication: functionArn } : {}) } }));
}



beforeEach(() => {
  calls = [];
  for (const arn of [...Object.values(TEAM_TRIGGERS), PRODUCT_TRIGGER]) register(arn);
});

describe('the pre sign-up trigger named in LambdaConfig', () => {
  it('receives the PreSignUp_SignUp event before the user exists', async () => {
    const { userPoolId, clientId } = await teamPool();
    let lookup = '';
    f.idp.registerFunction(TEAM_TRIGGERS.PreSignUp, async (event) => {
      calls.push({ fn: 'team-pre-sign-up', event: event as Record<string, unknown> });
      lookup = (await errorOf(f.cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'ada' })))).name;
      return event;
    });
    await signUp(clientId, 'ada');
    expect(lookup).toBe('UserNotFoundException');
    const [event] = invoked(TEAM_TRIGGERS.PreSignUp);
    expect(event).toMatchObject({
      version: '1',
      region: 'us-east-1',
      userPoolId,
      userName: 'ada',
      triggerSource: 'PreSignUp_SignUp',
      callerContext: { clientId, awsSdkVersion: expect.stringMatching(/^aws-sdk-/) },
      request: { userAttributes: { email: 'ada@example.com' }, validationData: { invite: 'abc' }, clientMetadata: { source: 'test' } },
      response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
    } satisfies Partial<Record<keyof PreSignUpEvent, unknown>>);
  });

  it('confirms and verifies the user when the trigger answers autoConfirmUser and autoVerifyEmail', async () => {
    const { userPoolId, clientId } = await teamPool();
    register(TEAM_TRIGGERS.PreSignUp, { autoConfirmUser: true, autoVerifyEmail: true });
    const out = await signUp(clientId, 'grace');
    expect(out.UserConfirmed).toBe(true);
    expect(out.CodeDeliveryDetails).toBeUndefined();
    const user = await f.cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'grace' }));
    expect(user.UserStatus).toBe('CONFIRMED');
    expect(user.UserAttributes).toContainEqual({ Name: 'email_verified', Value: 'true' });
  });

  it('sends the code to the auto-verified email when the trigger confirms nobody', async () => {
    const { clientId } = await teamPool();
    const out = await signUp(clientId, 'linus');
    expect(out).toMatchObject({ UserConfirmed: false, CodeDeliveryDetails: { DeliveryMedium: 'EMAIL', AttributeName: 'email', Destination: 'l***@e***' } });
  });

  it('refuses the sign-up when the trigger throws, and creates nobody', async () => {
    const { userPoolId, clientId } = await teamPool();
    f.idp.registerFunction(TEAM_TRIGGERS.PreSignUp, () => Promise.reject(new Error('invitation required')));
    expect(await errorOf(signUp(clientId, 'mallory'))).toEqual({ name: 'UserLambdaValidationException', status: 400, message: 'PreSignUp failed with error invitation required.' });
    expect((await errorOf(f.cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'mallory' })))).name).toBe('UserNotFoundException');
  });

  it('answers InvalidLambdaResponseException when the trigger does not return the event', async () => {
    const { clientId } = await teamPool();
    f.idp.registerFunction(TEAM_TRIGGERS.PreSignUp, async () => null);
    expect(await errorOf(signUp(clientId, 'nobody'))).toMatchObject({ name: 'InvalidLambdaResponseException', message: 'Unrecognizable lambda output' });
  });

  it('runs on AdminCreateUser as PreSignUp_AdminCreateUser, whose answer Cognito ignores', async () => {
    const { userPoolId } = await teamPool();
    register(TEAM_TRIGGERS.PreSignUp, { autoConfirmUser: true });
    const out = await f.cognito.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: 'admin-made', MessageAction: 'SUPPRESS' }));
    expect(out.User?.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    expect(invoked(TEAM_TRIGGERS.PreSignUp)).toEqual([
      expect.objectContaining({ triggerSource: 'PreSignUp_AdminCreateUser', callerContext: expect.objectContaining({ clientId: 'CLIENT_ID_NOT_APPLICABLE' }) }),
    ]);
  });

  it('fails the sign-up with UnexpectedLambdaException when Cognito cannot invoke the function', async () => {
    const { clientId } = await teamPool({ LambdaConfig: { PreSignUp: lambdaArn('deleted-function') } });
    expect(await errorOf(signUp(clientId, 'orphan'))).toEqual({ name: 'UnexpectedLambdaException', status: 400, message: 'PreSignUp invocation failed due to error ResourceNotFoundException.' });
  });

  it('stops running once an update leaves PreSignUp out of LambdaConfig', async () => {
    const { userPoolId, clientId } = await teamPool();
    await f.cognito.send(new UpdateUserPoolCommand({ UserPoolId: userPoolId, LambdaConfig: { PostAuthentication: PRODUCT_TRIGGER } }));
    await signUp(clientId, 'after-update');
    expect(invoked(TEAM_TRIGGERS.PreSignUp)).toEqual([]);
  });
});

describe('the post-authentication trigger named in LambdaConfig', () => {
  it('runs the function the pool names, and only that one', async () => {
    const { userPoolId, clientId } = await teamPool();
    const username = await confirmedUser(userPoolId);
    await signIn(clientId, username);
    expect(invoked(TEAM_TRIGGERS.PostAuthentication)).toEqual([expect.objectContaining({ triggerSource: 'PostAuthentication_Authentication', userName: username })]);
    expect(invoked(PRODUCT_TRIGGER)).toEqual([]);
  });

  it('runs the new function after an update names it, and none after an update removes it', async () => {
    const { userPoolId, clientId } = await teamPool();
    const username = await confirmedUser(userPoolId);
    await setPostAuthentication(userPoolId, PRODUCT_TRIGGER);
    await signIn(clientId, username);
    expect(invoked(PRODUCT_TRIGGER)).toHaveLength(1);
    await setPostAuthentication(userPoolId, undefined);
    await signIn(clientId, username);
    expect(invoked(PRODUCT_TRIGGER)).toHaveLength(1);
    expect(invoked(TEAM_TRIGGERS.PostAuthentication)).toEqual([]);
  });

  it('fails the sign-in with UnexpectedLambdaException when the function cannot be invoked', async () => {
    const { userPoolId, clientId } = await teamPool();
    const username = await confirmedUser(userPoolId);
    f.idp.unregisterFunction(TEAM_TRIGGERS.PostAuthentication);
    expect(await errorOf(signIn(clientId, username))).toMatchObject({ name: 'UnexpectedLambdaException', message: 'PostAuthentication invocation failed due to error ResourceNotFoundException.' });
  });

  it('setPostAuthenticationTrigger names its function in every pool and removes the trigger from every pool', async () => {
    const { userPoolId, clientId } = await teamPool();
    const username = await confirmedUser(userPoolId);
    let shortcut = 0;
    f.idp.setPostAuthenticationTrigger(async (event) => {
      shortcut++;
      return event;
    });
    await signIn(clientId, username);
    expect(shortcut).toBe(1);
    f.idp.setPostAuthenticationTrigger(undefined);
    const pool = await f.cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
    expect(pool.UserPool?.LambdaConfig?.PostAuthentication).toBeUndefined();
    await signIn(clientId, username);
    expect(shortcut).toBe(1);
    expect(invoked(TEAM_TRIGGERS.PostAuthentication)).toEqual([]);
  });
});

describe('settings that change what users can do', () => {
  it('enforces the pool password policy, and the default policy once an update resets it', async () => {
    const { userPoolId, clientId } = await teamPool();
    expect(await errorOf(signUp(clientId, 'short', 'Short-pass1'))).toMatchObject({ name: 'InvalidPasswordException', message: 'Password did not conform with policy: Password not long enough' });
    await signUp(clientId, 'nosymbol', 'Longxenough1pass');
    await f.cognito.send(new UpdateUserPoolCommand({ UserPoolId: userPoolId }));
    expect(await errorOf(signUp(clientId, 'nosymbol2', 'Longenough1pass'))).toMatchObject({ message: 'Password did not conform with policy: Password must have symbol characters' });
  });

  it('refuses SignUp while AllowAdminCreateUserOnly is set', async () => {
    const { clientId } = await teamPool({ AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
    expect(await errorOf(signUp(clientId, 'self'))).toMatchObject({ name: 'NotAuthorizedException', message: 'SignUp is not permitted for this user pool' });
  });

  it('sends no code when the pool verifies no attribute: an administrator confirms the user', async () => {
    const { userPoolId, clientId } = await teamPool();
    await f.cognito.send(new UpdateUserPoolCommand({ UserPoolId: userPoolId }));
    const out = await signUp(clientId, 'unverified');
    expect(out.UserConfirmed).toBe(false);
    expect(out.CodeDeliveryDetails).toBeUndefined();
    expect(f.idp.confirmationCode(userPoolId, 'unverified')).toBeUndefined();
  });
});
