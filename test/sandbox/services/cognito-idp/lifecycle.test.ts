import { createHmac } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  DeleteUserCommand,
  DescribeUserPoolClientCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLOUDTRAIL_HIDDEN_VALUE, parseUserLifecycleEvent, userLifecycleEventPattern, type CognitoCloudTrailRecord } from '../../../../functions/shared/identity/lifecycle-events';
import { startCognitoIdp, type CognitoIdpServer } from '../../../../sandbox/services/cognito-idp';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../../sandbox/wire/account';
import { EventBus, cloudTrailEntry, type DeliveredEvent } from '../../../../sandbox/services/eventbridge';
import { FaultInjector } from '../../../../sandbox/wire/faults';
import { errorOf } from '../../../support/aws-error';

const PASSWORD = 'Correct-Horse-9';

let idp: CognitoIdpServer;
let userPoolId: string;
let clientId: string;
let clientSecret: string;
let cognito: CognitoIdentityProviderClient;
let records: CognitoCloudTrailRecord[] = [];
let counter = 0;

const secretHash = (username: string) => createHmac('sha256', clientSecret).update(username + clientId).digest('base64');


/** An admin-created user with a permanent password, ready to sign in. */
async function createUser(username = `lifecycle${++counter}`, attributes: Array<{ Name: string; Value: string }> = []): Promise<string> {
  await cognito.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: attributes }));
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: PASSWORD, Permanent: true }));
  return username;
}

async function signIn(username: string) {
  const out = await cognito.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD, SECRET_HASH: secretHash(username) } }),
  );
  const result = out.AuthenticationResult;
  return { accessToken: result?.AccessToken ?? '', refreshToken: result?.RefreshToken ?? '' };
}

function refresh(username: string, refreshToken: string) {
  return cognito.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken, SECRET_HASH: secretHash(username) } }),
  );
}

async function subOf(username: string): Promise<string> {
  const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  return user.UserAttributes?.find((a) => a.Name === 'sub')?.Value ?? '';
}

const usernames = (users: UserType[] | undefined) => (users ?? []).map((u) => u.Username);

beforeAll(async () => {
  idp = await startCognitoIdp({ faults: new FaultInjector(), onCloudTrail: (record) => records.push(record) });
  userPoolId = idp.createUserPool({ name: 'lifecycle', customAttributes: ['identity_id'] }).userPoolId;
  const client = idp.createAppClient(userPoolId, { generateSecret: true, clientName: 'app' });
  clientId = client.clientId;
  clientSecret = client.clientSecret ?? '';
  cognito = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: idp.url, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
});

afterAll(async () => {
  cognito?.destroy();
  await idp?.close();
});

beforeEach(() => {
  records = [];
});

describe('AdminDisableUser and AdminEnableUser', () => {
  it('refuses sign-in and refresh of a disabled user with "User is disabled." and reports Enabled false', async () => {
    const username = await createUser();
    const { refreshToken } = await signIn(username);
    await cognito.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: username }));
    expect(await errorOf(signIn(username))).toMatchObject({ name: 'NotAuthorizedException', message: 'User is disabled.' });
    expect(await errorOf(refresh(username, refreshToken))).toMatchObject({ name: 'NotAuthorizedException', message: 'User is disabled.' });
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
    expect(user).toMatchObject({ Enabled: false, UserStatus: 'CONFIRMED' });
  });

  it('revokes the access tokens issued before the disable, also after the user is enabled again', async () => {
    const username = await createUser();
    const { accessToken } = await signIn(username);
    await cognito.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: username }));
    expect(await errorOf(cognito.send(new GetUserCommand({ AccessToken: accessToken })))).toMatchObject({ name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
    await cognito.send(new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: username }));
    expect((await errorOf(cognito.send(new GetUserCommand({ AccessToken: accessToken })))).name).toBe('NotAuthorizedException');
    const fresh = await signIn(username);
    expect((await cognito.send(new GetUserCommand({ AccessToken: fresh.accessToken }))).Username).toBe(username);
    expect((await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }))).Enabled).toBe(true);
  });

  it('answers UserNotFoundException for an unknown user', async () => {
    expect((await errorOf(cognito.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: 'nobody' })))).name).toBe('UserNotFoundException');
    expect((await errorOf(cognito.send(new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: 'nobody' })))).name).toBe('UserNotFoundException');
  });
});

describe('AdminDeleteUser and DeleteUser', () => {
  it('deletes a user: AdminGetUser answers UserNotFoundException and the refresh token is revoked', async () => {
    const username = await createUser();
    const { refreshToken, accessToken } = await signIn(username);
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
    expect((await errorOf(cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username })))).name).toBe('UserNotFoundException');
    expect((await errorOf(refresh(username, refreshToken))).name).toBe('NotAuthorizedException');
    expect((await errorOf(cognito.send(new GetUserCommand({ AccessToken: accessToken })))).name).toBe('NotAuthorizedException');
    expect((await errorOf(cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username })))).name).toBe('UserNotFoundException');
  });

  it('gives a user recreated under a deleted username a new sub', async () => {
    const username = await createUser();
    const before = await subOf(username);
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
    await createUser(username);
    const after = await subOf(username);
    expect(after).toMatch(/^[0-9a-f-]{36}$/);
    expect(after).not.toBe(before);
  });

  it('lets a user delete themselves with their access token, after which the token is refused', async () => {
    const username = await createUser();
    const { accessToken } = await signIn(username);
    await cognito.send(new DeleteUserCommand({ AccessToken: accessToken }));
    expect((await errorOf(cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username })))).name).toBe('UserNotFoundException');
    expect(await errorOf(cognito.send(new GetUserCommand({ AccessToken: accessToken })))).toMatchObject({ name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
    expect((await errorOf(cognito.send(new DeleteUserCommand({ AccessToken: accessToken })))).name).toBe('NotAuthorizedException');
  });

  it('refuses DeleteUser with a token that is not an access token of the pool', async () => {
    expect(await errorOf(cognito.send(new DeleteUserCommand({ AccessToken: 'not-a-jwt' })))).toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Access Token' });
  });

  it('does not let an old token of a deleted username act on the recreated user', async () => {
    const username = await createUser();
    const { accessToken } = await signIn(username);
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
    await createUser(username);
    expect((await errorOf(cognito.send(new DeleteUserCommand({ AccessToken: accessToken })))).name).toBe('NotAuthorizedException');
    expect(await subOf(username)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('ListUsers', () => {
  it('finds a user by sub and by username, exactly and by prefix', async () => {
    const username = await createUser(`findme-${++counter}`, [{ Name: 'email', Value: 'find@example.com' }]);
    const sub = await subOf(username);
    const bySub = await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: `sub = "${sub}"` }));
    expect(usernames(bySub.Users)).toEqual([username]);
    expect(usernames((await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: `username = "${username}"` }))).Users)).toEqual([username]);
    expect(usernames((await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: 'username ^= "findme-"' }))).Users)).toContain(username);
    expect((await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: `sub = "${sub.slice(0, 8)}"` }))).Users).toEqual([]);
  });

  it('filters by status (Enabled/Disabled, case-sensitive) and cognito:user_status (case-insensitive)', async () => {
    const username = await createUser();
    await cognito.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: username }));
    const disabled = await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: 'status = "Disabled"' }));
    expect(usernames(disabled.Users)).toContain(username);
    expect(disabled.Users?.every((u) => u.Enabled === false)).toBe(true);
    expect((await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: 'status = "disabled"' }))).Users).toEqual([]);
    const confirmed = await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: 'cognito:user_status = "confirmed"' }));
    expect(usernames(confirmed.Users)).toContain(username);
  });

  it('matches escaped quotation marks in the value', async () => {
    const username = await createUser(undefined, [{ Name: 'name', Value: 'Ada "The Countess" Lovelace' }]);
    const out = await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: 'name = "Ada \\"The Countess\\" Lovelace"' }));
    expect(usernames(out.Users)).toEqual([username]);
  });

  it('refuses custom attributes and malformed filters with InvalidParameterException', async () => {
    expect((await errorOf(cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: 'custom:identity_id = "x"' })))).name).toBe('InvalidParameterException');
    expect((await errorOf(cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: 'sub == x' })))).name).toBe('InvalidParameterException');
  });

  it('pages with Limit and PaginationToken through every user exactly once', async () => {
    for (let i = 0; i < 3; i++) await createUser(`page-${counter}-${i}`);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Limit: 2, PaginationToken: token }));
      expect((page.Users ?? []).length).toBeLessThanOrEqual(2);
      seen.push(...usernames(page.Users).map(String));
      token = page.PaginationToken;
    } while (token);
    const all = await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId }));
    expect(seen.sort()).toEqual(usernames(all.Users).map(String).sort());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses a Limit above 60 and a forged pagination token', async () => {
    expect((await errorOf(cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Limit: 61 })))).name).toBe('InvalidParameterException');
    expect((await errorOf(cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, PaginationToken: 'forged' })))).name).toBe('InvalidParameterException');
  });

  it('returns only AttributesToGet', async () => {
    const username = await createUser(undefined, [{ Name: 'email', Value: 'only@example.com' }]);
    const out = await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: `username = "${username}"`, AttributesToGet: ['email'] }));
    expect(out.Users?.[0]?.Attributes).toEqual([{ Name: 'email', Value: 'only@example.com' }]);
  });
});

describe('DescribeUserPoolClient', () => {
  it('returns the client with its secret', async () => {
    const out = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
    expect(out.UserPoolClient).toMatchObject({ UserPoolId: userPoolId, ClientId: clientId, ClientName: 'app', ClientSecret: clientSecret });
  });

  it('answers ResourceNotFoundException for an unknown client', async () => {
    expect((await errorOf(cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: 'nope' })))).name).toBe('ResourceNotFoundException');
  });
});

describe('CloudTrail records of user lifecycle calls', () => {
  it('records AdminDeleteUser with the sub in additionalEventData and the username hidden', async () => {
    const username = await createUser();
    const sub = await subOf(username);
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      eventSource: 'cognito-idp.amazonaws.com',
      eventName: 'AdminDeleteUser',
      awsRegion: 'us-east-1',
      requestParameters: { userPoolId, username: CLOUDTRAIL_HIDDEN_VALUE },
      additionalEventData: { sub },
      eventType: 'AwsApiCall',
      userIdentity: { accessKeyId: SANDBOX_BACKEND_CREDENTIALS.accessKeyId },
    });
    expect(JSON.stringify(records[0])).not.toContain(username);
  });

  it('records AdminDisableUser and DeleteUser, but not AdminEnableUser', async () => {
    const username = await createUser();
    const sub = await subOf(username);
    await cognito.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: username }));
    await cognito.send(new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: username }));
    await cognito.send(new DeleteUserCommand({ AccessToken: (await signIn(username)).accessToken }));
    expect(records.map((r) => [r.eventName, r.additionalEventData.sub])).toEqual([
      ['AdminDisableUser', sub],
      ['DeleteUser', sub],
    ]);
    expect(records[1]?.requestParameters).toEqual({ accessToken: CLOUDTRAIL_HIDDEN_VALUE });
  });

  it('records nothing for a refused call', async () => {
    await errorOf(cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: 'nobody' })));
    await errorOf(cognito.send(new DeleteUserCommand({ AccessToken: 'not-a-jwt' })));
    expect(records).toEqual([]);
  });

  it('reaches a rule with the lifecycle pattern as an event the product parses', async () => {
    const bus = new EventBus();
    const delivered: DeliveredEvent[] = [];
    bus.putRule('offboarding', userLifecycleEventPattern);
    bus.putTarget('offboarding', 'target', (event) => delivered.push(event));
    idp.setCloudTrailListener((record) => bus.putEvents([cloudTrailEntry('cognito-idp', record)]));
    try {
      const username = await createUser();
      const sub = await subOf(username);
      await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
      await bus.drain();
      expect(delivered).toHaveLength(1);
      const parsed = parseUserLifecycleEvent(delivered[0]);
      expect(parsed).toMatchObject({ source: 'aws.cognito-idp', 'detail-type': 'AWS API Call via CloudTrail', detail: { eventName: 'AdminDeleteUser', additionalEventData: { sub } } });
    } finally {
      idp.setCloudTrailListener((record) => records.push(record));
    }
  });
});
