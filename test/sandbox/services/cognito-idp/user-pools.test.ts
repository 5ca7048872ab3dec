import { createHmac } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  ResendConfirmationCodeCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCognitoIdp, type CognitoIdpServer, type SentCode } from '../../../../sandbox/services/cognito-idp';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../../sandbox/wire/account';
import { FaultInjector } from '../../../../sandbox/wire/faults';
import { errorOf } from '../../../support/aws-error';

const PASSWORD = 'Correct-Horse-9';

let idp: CognitoIdpServer;
let faults: FaultInjector;
let clockOffsetMs = 0;
let userPoolId: string;
let clientId: string;
let clientSecret: string;
let publicClientId: string;
let cognito: CognitoIdentityProviderClient;
let userCounter = 0;
const sentCodes: SentCode[] = [];

function secretHash(username: string, id = clientId, secret = clientSecret): string {
  return createHmac('sha256', secret).update(username + id).digest('base64');
}


async function signUpConfirmed(attributes: Array<{ Name: string; Value: string }> = []): Promise<string> {
  const username = `user${++userCounter}`;
  await cognito.send(
    new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, SecretHash: secretHash(username), UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }, ...attributes] }),
  );
  const code = idp.confirmationCode(userPoolId, username) ?? '';
  await cognito.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: code, SecretHash: secretHash(username) }));
  return username;
}

function signIn(username: string, password = PASSWORD) {
  return cognito.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password, SECRET_HASH: secretHash(username) } }),
  );
}

beforeAll(async () => {
  faults = new FaultInjector();
  idp = await startCognitoIdp({ faults, now: () => Date.now() + clockOffsetMs, onCodeSent: (m) => sentCodes.push(m) });
  const pool = idp.createUserPool({ customAttributes: ['iot_onboarded', 'identity_id'], readOnlyAttributes: ['iot_onboarded', 'identity_id'] });
  userPoolId = pool.userPoolId;
  const client = idp.createAppClient(userPoolId, { generateSecret: true });
  clientId = client.clientId;
  clientSecret = client.clientSecret ?? '';
  publicClientId = idp.createAppClient(userPoolId, { generateSecret: false }).clientId;
  cognito = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: idp.url, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
});

afterAll(async () => {
  cognito?.destroy();
  await idp?.close();
});

beforeEach(() => {
  clockOffsetMs = 0;
  faults.clear();
  idp.setPostAuthenticationTrigger(undefined);
  idp.setTriggerTimeoutMs(5_000);
});

describe('user pool identifiers', () => {
  it('uses the real pool id and issuer forms and serves the JWKS and discovery document', async () => {
    expect(userPoolId).toMatch(/^us-east-1_[A-Za-z0-9]{9}$/);
    const jwks = (await (await fetch(`${idp.url}/${userPoolId}/.well-known/jwks.json`)).json()) as unknown;
    expect(jwks).toEqual(idp.jwks(userPoolId));
    const discovery = (await (await fetch(`${idp.url}/${userPoolId}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(`https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`);
  });
});

describe('sign-up and sign-in', () => {
  it('signs up, confirms and signs in with SECRET_HASH, issuing an ID token aws-jwt-verify accepts', async () => {
    const username = await signUpConfirmed();
    const out = await signIn(username);
    const idToken = out.AuthenticationResult?.IdToken ?? '';
    const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'id', clientId });
    verifier.cacheJwks(idp.jwks(userPoolId));
    const claims = await verifier.verify(idToken);
    expect(claims).toMatchObject({ 'cognito:username': username, email: `${username}@example.com`, email_verified: true, token_use: 'id', aud: clientId });
    expect(out.AuthenticationResult).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600 });
    expect(out.AuthenticationResult?.RefreshToken).toBeTruthy();
  });

  it('issues an access token with the Cognito access claims that aws-jwt-verify accepts', async () => {
    const username = await signUpConfirmed();
    const accessToken = (await signIn(username)).AuthenticationResult?.AccessToken ?? '';
    const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'access', clientId });
    verifier.cacheJwks(idp.jwks(userPoolId));
    expect(await verifier.verify(accessToken)).toMatchObject({ username, client_id: clientId, scope: 'aws.cognito.signin.user.admin', token_use: 'access' });
  });

  it('refuses SignUp without SECRET_HASH for a client with a secret', async () => {
    const error = await errorOf(cognito.send(new SignUpCommand({ ClientId: clientId, Username: 'nohash', Password: PASSWORD })));
    expect(error).toEqual({ name: 'NotAuthorizedException', status: 403, message: `Client ${clientId} is configured with secret but SECRET_HASH was not received` });
  });

  it('refuses a sign-in with a wrong SECRET_HASH', async () => {
    const username = await signUpConfirmed();
    const error = await errorOf(
      cognito.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD, SECRET_HASH: secretHash('someone-else') } })),
    );
    expect(error).toMatchObject({ name: 'NotAuthorizedException', message: `Unable to verify secret hash for client ${clientId}` });
  });

  it('refuses a wrong password and an unknown user with the same error', async () => {
    const username = await signUpConfirmed();
    expect(await errorOf(signIn(username, 'Wrong-Password-1'))).toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(await errorOf(signIn('nobody-here'))).toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it('refuses sign-in before confirmation', async () => {
    const username = `unconfirmed${++userCounter}`;
    await cognito.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, SecretHash: secretHash(username) }));
    expect((await errorOf(signIn(username))).name).toBe('UserNotConfirmedException');
  });

  it('refuses a wrong confirmation code', async () => {
    const username = `badcode${++userCounter}`;
    const email = [{ Name: 'email', Value: `${username}@example.com` }];
    await cognito.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, SecretHash: secretHash(username), UserAttributes: email }));
    const wrong = idp.confirmationCode(userPoolId, username) === '000000' ? '111111' : '000000';
    const error = await errorOf(cognito.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: wrong, SecretHash: secretHash(username) })));
    expect(error.name).toBe('CodeMismatchException');
  });

  it('resends a new code to the same address (the old one stops matching), hands each to the outbox, refuses a confirmed user, and does not tell an unknown one apart', async () => {
    const username = `resend${++userCounter}`;
    const signUp = await cognito.send(new SignUpCommand({ ClientId: publicClientId, Username: username, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }] }));
    const first = idp.confirmationCode(userPoolId, username) ?? '';
    const resent = await cognito.send(new ResendConfirmationCodeCommand({ ClientId: publicClientId, Username: username }));
    expect(resent.CodeDeliveryDetails).toEqual({ ...signUp.CodeDeliveryDetails, DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const second = idp.confirmationCode(userPoolId, username) ?? '';
    expect(sentCodes.filter((m) => m.username === username)).toEqual([
      { userPoolId, username, medium: 'EMAIL', to: `${username}@example.com`, code: first },
      { userPoolId, username, medium: 'EMAIL', to: `${username}@example.com`, code: second },
    ]);
    if (first !== second) {
      const stale = await errorOf(cognito.send(new ConfirmSignUpCommand({ ClientId: publicClientId, Username: username, ConfirmationCode: first })));
      expect(stale.name).toBe('CodeMismatchException');
    }
    await cognito.send(new ConfirmSignUpCommand({ ClientId: publicClientId, Username: username, ConfirmationCode: second }));
    const again = await errorOf(cognito.send(new ResendConfirmationCodeCommand({ ClientId: publicClientId, Username: username })));
    expect(again).toMatchObject({ name: 'InvalidParameterException', message: 'User is already confirmed.' });
    // Existence errors are prevented: an unknown user gets a simulated delivery, and nothing is sent.
    const sentBefore = sentCodes.length;
    const unknown = await cognito.send(new ResendConfirmationCodeCommand({ ClientId: publicClientId, Username: `nobody${userCounter}` }));
    expect(unknown.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email', Destination: expect.stringMatching(/^\w\*\*\*@\w\*\*\*$/) });
    expect(sentCodes.length).toBe(sentBefore);
  });

  it('enforces the password policy and unique usernames', async () => {
    const weak = await errorOf(cognito.send(new SignUpCommand({ ClientId: publicClientId, Username: 'weak', Password: 'alllowercase1' })));
    expect(weak).toMatchObject({ name: 'InvalidPasswordException', message: 'Password did not conform with policy: Password must have uppercase characters' });
    await cognito.send(new SignUpCommand({ ClientId: publicClientId, Username: 'taken', Password: PASSWORD }));
    expect((await errorOf(cognito.send(new SignUpCommand({ ClientId: publicClientId, Username: 'taken', Password: PASSWORD })))).name).toBe('UsernameExistsException');
  });

  it('answers NEW_PASSWORD_REQUIRED for admin-created users and completes it with RespondToAuthChallenge', async () => {
    const username = `admin-created${++userCounter}`;
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, TemporaryPassword: 'Temporary-Pass1', MessageAction: 'SUPPRESS' }));
    const challenge = await signIn(username, 'Temporary-Pass1');
    expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    const out = await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: username, NEW_PASSWORD: PASSWORD, SECRET_HASH: secretHash(username) },
      }),
    );
    expect(decodeJwt(out.AuthenticationResult?.IdToken ?? '')['cognito:username']).toBe(username);
    expect((await signIn(username)).AuthenticationResult?.IdToken).toBeTruthy();
  });

  it('answers the throttling error when a fault rule throttles the operation', async () => {
    faults.set('cognito-idp:InitiateAuth', { failNext: 1, failWith: 'throttle' });
    expect(await errorOf(signIn('anyone'))).toMatchObject({ name: 'TooManyRequestsException', status: 429 });
  });
});

describe('post-authentication trigger', () => {
  it('receives the Cognito event before tokens are issued, and the tokens reflect what it wrote', async () => {
    const username = await signUpConfirmed();
    const events: PostAuthenticationTriggerEvent[] = [];
    idp.setPostAuthenticationTrigger(async (event) => {
      events.push(event);
      await cognito.send(
        new AdminUpdateUserAttributesCommand({ UserPoolId: event.userPoolId, Username: event.userName, UserAttributes: [{ Name: 'custom:iot_onboarded', Value: '1' }] }),
      );
      return event;
    });
    const idToken = (await signIn(username)).AuthenticationResult?.IdToken ?? '';
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      version: '1',
      region: 'us-east-1',
      userPoolId,
      userName: username,
      triggerSource: 'PostAuthentication_Authentication',
      callerContext: { clientId },
      request: { newDeviceUsed: false, userAttributes: { 'cognito:user_status': 'CONFIRMED', email: `${username}@example.com`, email_verified: 'true' } },
      response: {},
    });
    expect(event?.request.userAttributes['sub']).toMatch(/^[0-9a-f-]{36}$/);
    expect(event?.callerContext.awsSdkVersion).toMatch(/^aws-sdk-/);
    expect(decodeJwt(idToken)['custom:iot_onboarded']).toBe('1');
  });

  it('fails the sign-in with UserLambdaValidationException when the trigger throws', async () => {
    const username = await signUpConfirmed();
    idp.setPostAuthenticationTrigger(() => Promise.reject(new Error('boom')));
    const error = await errorOf(signIn(username));
    expect(error).toEqual({ name: 'UserLambdaValidationException', status: 400, message: 'PostAuthentication failed with error boom.' });
  });

  it('retries a trigger that outlasts the time limit three times, then fails the sign-in', async () => {
    const username = await signUpConfirmed();
    let calls = 0;
    idp.setTriggerTimeoutMs(20);
    idp.setPostAuthenticationTrigger(() => {
      calls++;
      return new Promise(() => undefined);
    });
    const error = await errorOf(signIn(username));
    expect(error.name).toBe('UserLambdaValidationException');
    expect(calls).toBe(3);
  });
});

describe('attributes', () => {
  it('refuses app-client writes of read-only custom attributes but allows backend writes', async () => {
    const username = await signUpConfirmed();
    const accessToken = (await signIn(username)).AuthenticationResult?.AccessToken ?? '';
    const denied = await errorOf(cognito.send(new UpdateUserAttributesCommand({ AccessToken: accessToken, UserAttributes: [{ Name: 'custom:identity_id', Value: 'forged' }] })));
    expect(denied).toMatchObject({ name: 'NotAuthorizedException', message: 'A client attempted to write unauthorized attribute' });

    await cognito.send(new AdminUpdateUserAttributesCommand({ UserPoolId: userPoolId, Username: username, UserAttributes: [{ Name: 'custom:identity_id', Value: 'us-east-1:abc' }] }));
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
    expect(user.UserAttributes).toContainEqual({ Name: 'custom:identity_id', Value: 'us-east-1:abc' });
    expect(user.UserStatus).toBe('CONFIRMED');
  });

  it('lets the user write ordinary attributes with their access token and read them with GetUser', async () => {
    const username = await signUpConfirmed();
    const accessToken = (await signIn(username)).AuthenticationResult?.AccessToken ?? '';
    await cognito.send(new UpdateUserAttributesCommand({ AccessToken: accessToken, UserAttributes: [{ Name: 'name', Value: 'Ada' }] }));
    const me = await cognito.send(new GetUserCommand({ AccessToken: accessToken }));
    expect(me.Username).toBe(username);
    expect(me.UserAttributes).toContainEqual({ Name: 'name', Value: 'Ada' });
  });

  it('refuses an expired access token', async () => {
    const username = await signUpConfirmed();
    const accessToken = (await signIn(username)).AuthenticationResult?.AccessToken ?? '';
    clockOffsetMs = 3601_000;
    expect(await errorOf(cognito.send(new GetUserCommand({ AccessToken: accessToken })))).toMatchObject({ name: 'NotAuthorizedException', message: 'Access Token has expired' });
  });

  it('refuses undeclared custom attributes on AdminUpdateUserAttributes', async () => {
    const username = await signUpConfirmed();
    const error = await errorOf(
      cognito.send(new AdminUpdateUserAttributesCommand({ UserPoolId: userPoolId, Username: username, UserAttributes: [{ Name: 'custom:undeclared', Value: 'x' }] })),
    );
    expect(error.name).toBe('InvalidParameterException');
  });

  it('refuses an attribute value over 2,048 characters, naming the list member as AWS does, and writes nothing', async () => {
    const username = await signUpConfirmed();
    const attributes = [{ Name: 'custom:identity_id', Value: 'kept' }, { Name: 'custom:iot_onboarded', Value: 'x'.repeat(2049) }];
    const error = await errorOf(cognito.send(new AdminUpdateUserAttributesCommand({ UserPoolId: userPoolId, Username: username, UserAttributes: attributes })));
    expect(error).toMatchObject({ name: 'InvalidParameterException' });
    expect(error.message).toMatch(/^1 validation error detected: Value 'x+' at 'userAttributes\.2\.member\.value' failed to satisfy constraint: Member must have length less than or equal to 2048$/);
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
    expect(user.UserAttributes?.some((a) => a.Name === 'custom:identity_id')).toBe(false);
  });

  it('answers UserNotFoundException for AdminGetUser of an unknown user', async () => {
    expect((await errorOf(cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'ghost' })))).name).toBe('UserNotFoundException');
  });
});

describe('admin API authentication', () => {
  it('refuses an unsigned admin call', async () => {
    const res = await fetch(idp.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminGetUser' },
      body: JSON.stringify({ UserPoolId: userPoolId, Username: 'anyone' }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
  });

  it('refuses an admin call signed with the wrong secret', async () => {
    const forged = new CognitoIdentityProviderClient({
      region: 'us-east-1',
      endpoint: idp.url,
      credentials: { accessKeyId: SANDBOX_BACKEND_CREDENTIALS.accessKeyId, secretAccessKey: 'wrong' },
      maxAttempts: 1,
    });
    try {
      expect((await errorOf(forged.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'anyone' })))).name).toBe('InvalidSignatureException');
    } finally {
      forged.destroy();
    }
  });
});
