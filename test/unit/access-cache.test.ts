import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetOpenIdTokenForDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserAccessCache } from '../../functions/publish-command/access-cache';
import { awsError, IDENTITY_ID, SUB } from './fixtures';

const idpMock = mockClient(CognitoIdentityProviderClient);
const identityMock = mockClient(CognitoIdentityClient);
const HOUR = 3_600_000;

function setup() {
  let now = Date.parse('2026-11-21T10:00:00Z');
  const built: unknown[] = [];
  const cache = new UserAccessCache({
    cognitoIdp: new CognitoIdentityProviderClient({ region: 'us-east-1' }),
    cognitoIdentity: new CognitoIdentityClient({ region: 'us-east-1' }),
    iotDataFor: (credentials) => {
      built.push(credentials);
      return { send: async () => ({}) } as never;
    },
    now: () => now,
    userPoolId: 'us-east-1_Abc',
    pool: { identityPoolId: 'us-east-1:11111111-2222-3333-4444-555555555555', developerProviderName: 'dev' },
  });
  return { cache, built, advance: (ms: number) => (now += ms), now: () => now };
}

function onboardedUser(now: () => number) {
  idpMock.on(AdminGetUserCommand).resolves({
    Username: 'alice',
    UserAttributes: [
      { Name: 'custom:iot_onboarded', Value: '1' },
      { Name: 'custom:identity_id', Value: IDENTITY_ID },
    ],
  });
  identityMock.on(GetOpenIdTokenForDeveloperIdentityCommand).resolves({ IdentityId: IDENTITY_ID, Token: 'tok' });
  identityMock.on(GetCredentialsForIdentityCommand).callsFake(() => ({
    IdentityId: IDENTITY_ID,
    Credentials: { AccessKeyId: 'ASIA1', SecretKey: 's', SessionToken: 't', Expiration: new Date(now() + HOUR) },
  }));
}

describe('per-user access cache', () => {
  beforeEach(() => {
    idpMock.reset();
    identityMock.reset();
  });

  it('fetches identity and credentials once and serves later requests from memory', async () => {
    const { cache, built, now } = setup();
    onboardedUser(now);
    const first = await cache.get(SUB, 'alice');
    const second = await cache.get(SUB, 'alice');
    expect(second).toBe(first);
    expect(first.identityId).toBe(IDENTITY_ID);
    expect(built).toEqual([{ accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't', expiration: expect.any(Date) }]);
    expect(identityMock.commandCalls(GetCredentialsForIdentityCommand)).toHaveLength(1);
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1 });
  });

  it('resolves the identity the user was onboarded with, keyed by sub', async () => {
    const { cache, now } = setup();
    onboardedUser(now);
    await cache.get(SUB, 'alice');
    expect(identityMock.commandCalls(GetOpenIdTokenForDeveloperIdentityCommand)[0]?.args[0].input).toMatchObject({
      IdentityId: IDENTITY_ID,
      Logins: { dev: SUB },
    });
  });

  it('refreshes credentials shortly before they expire', async () => {
    const { cache, advance, now } = setup();
    onboardedUser(now);
    await cache.get(SUB, 'alice');
    advance(HOUR - 4 * 60_000);
    await cache.get(SUB, 'alice');
    expect(identityMock.commandCalls(GetCredentialsForIdentityCommand)).toHaveLength(2);
  });

  it('shares one fetch between concurrent requests of the same user', async () => {
    const { cache, now } = setup();
    onboardedUser(now);
    await Promise.all([cache.get(SUB, 'alice'), cache.get(SUB, 'alice'), cache.get(SUB, 'alice')]);
    expect(idpMock.commandCalls(AdminGetUserCommand)).toHaveLength(1);
  });

  it('answers NotOnboarded for a user without an identity, and does not cache it', async () => {
    const { cache } = setup();
    idpMock.on(AdminGetUserCommand).resolves({ Username: 'alice', UserAttributes: [{ Name: 'email', Value: 'a@b.c' }] });
    await expect(cache.get(SUB, 'alice')).rejects.toMatchObject({ status: 409, code: 'NotOnboarded' });
    await expect(cache.get(SUB, 'alice')).rejects.toMatchObject({ code: 'NotOnboarded' });
    expect(idpMock.commandCalls(AdminGetUserCommand)).toHaveLength(2);
  });

  it('answers Throttled when Cognito throttles', async () => {
    const { cache } = setup();
    idpMock.on(AdminGetUserCommand).rejects(awsError('TooManyRequestsException', 400));
    await expect(cache.get(SUB, 'alice')).rejects.toMatchObject({ status: 429 });
  });

  it('answers UpstreamFailure when the identity pool fails', async () => {
    const { cache, now } = setup();
    onboardedUser(now);
    identityMock.on(GetCredentialsForIdentityCommand).rejects(awsError('InternalErrorException', 500));
    await expect(cache.get(SUB, 'alice')).rejects.toMatchObject({ status: 502, code: 'UpstreamFailure' });
  });
});
