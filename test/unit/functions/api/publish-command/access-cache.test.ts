import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetOpenIdTokenForDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserAccessCache } from '../../../../../functions/api/publish-command/access-cache';
import { checkUser, TrustCache } from '../../../../../functions/shared/trust/user-trust';
import { awsError, IDENTITY_ID, SUB } from '../../../fixtures';

const idpMock = mockClient(CognitoIdentityProviderClient);
const identityMock = mockClient(CognitoIdentityClient);
const HOUR = 3_600_000;
const REVALIDATE_S = 300;
const OTHER_IDENTITY = 'us-east-1:99999999-2222-4333-8444-555555555555';

function setup() {
  let now = Date.parse('2026-11-21T10:00:00Z');
  const built: unknown[] = [];
  const idp = new CognitoIdentityProviderClient({ region: 'us-east-1' });
  const cache = new UserAccessCache({
    trust: new TrustCache({ check: (token) => checkUser(idp, 'us-east-1_Abc', token), now: () => now, revalidateSeconds: REVALIDATE_S }),
    cognitoIdentity: new CognitoIdentityClient({ region: 'us-east-1' }),
    iotDataFor: (credentials) => {
      built.push(credentials);
      return { send: async () => ({}) } as never;
    },
    now: () => now,
    pool: { identityPoolId: 'us-east-1:11111111-2222-3333-4444-555555555555', developerProviderName: 'dev' },
  });
  return { cache, built, advance: (ms: number) => (now += ms), now: () => now };
}

function userPoolHas(overrides: { sub?: string; enabled?: boolean; identityId?: string | null; onboarded?: string | null } = {}) {
  const attributes = [{ Name: 'sub', Value: overrides.sub ?? SUB }];
  if (overrides.onboarded !== null) attributes.push({ Name: 'custom:iot_onboarded', Value: overrides.onboarded ?? '1' });
  if (overrides.identityId !== null) attributes.push({ Name: 'custom:identity_id', Value: overrides.identityId ?? IDENTITY_ID });
  idpMock.on(AdminGetUserCommand).resolves({ Username: 'alice', Enabled: overrides.enabled ?? true, UserStatus: 'CONFIRMED', UserAttributes: attributes });
}

function onboardedUser(now: () => number) {
  userPoolHas();
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
    expect(idpMock.commandCalls(AdminGetUserCommand)).toHaveLength(1);
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1 });
  });

  it('resolves the identity by sub alone: never passes an IdentityId, which would link the login', async () => {
    const { cache, now } = setup();
    onboardedUser(now);
    await cache.get(SUB, 'alice');
    const input = identityMock.commandCalls(GetOpenIdTokenForDeveloperIdentityCommand)[0]?.args[0].input;
    expect(input?.Logins).toEqual({ dev: SUB });
    expect(input).not.toHaveProperty('IdentityId');
  });

  it('refuses a token whose username now belongs to another user (a deleted user\'s stale token), with no identity call', async () => {
    const { cache, now } = setup();
    onboardedUser(now);
    userPoolHas({ sub: '99999999-8888-4777-8666-555555555555', identityId: OTHER_IDENTITY });
    await expect(cache.get(SUB, 'alice')).rejects.toMatchObject({ status: 401, code: 'Unauthenticated', message: 'The user this token was issued to no longer exists' });
    expect(identityMock.calls()).toHaveLength(0);
  });

  it('refuses a deleted user as 401, saying nothing about who else may hold the name', async () => {
    const { cache } = setup();
    idpMock.on(AdminGetUserCommand).rejects(awsError('UserNotFoundException', 400, 'User does not exist.'));
    await expect(cache.get(SUB, 'alice')).rejects.toMatchObject({ status: 401, message: 'The user this token was issued to no longer exists' });
  });

  it('refuses a disabled user once the re-validation window has passed, even with credentials cached', async () => {
    const { cache, advance, now } = setup();
    onboardedUser(now);
    await cache.get(SUB, 'alice');
    userPoolHas({ enabled: false });
    advance(REVALIDATE_S * 1000 - 1);
    await expect(cache.get(SUB, 'alice')).resolves.toMatchObject({ identityId: IDENTITY_ID });
    advance(1);
    await expect(cache.get(SUB, 'alice')).rejects.toMatchObject({ status: 401, message: 'This user is disabled' });
    expect(idpMock.commandCalls(AdminGetUserCommand)).toHaveLength(2);
  });

  // A refusal is remembered for the window; a throttled check is no answer, so it is asked again.
  it.each<[behaviour: string, userPool: () => void, status: number, adminGetUserCalls: number]>([
    [
      'remembers a refusal for the window: a replayed stale token costs no further AdminGetUser',
      () => userPoolHas({ enabled: false }),
      401,
      1,
    ],
    [
      'answers Throttled when Cognito throttles, and asks again on the next request',
      () => idpMock.on(AdminGetUserCommand).rejects(awsError('TooManyRequestsException', 400)),
      429,
      2,
    ],
  ])('%s', async (_behaviour, userPool, status, adminGetUserCalls) => {
    const { cache } = setup();
    userPool();
    await expect(cache.get(SUB, 'alice')).rejects.toMatchObject({ status });
    await expect(cache.get(SUB, 'alice')).rejects.toMatchObject({ status });
    expect(idpMock.commandCalls(AdminGetUserCommand)).toHaveLength(adminGetUserCalls);
  });

  it('refuses when the identity of the sub is not the one the user record names', async () => {
    const { cache, now } = setup();
    onboardedUser(now);
    identityMock.on(GetOpenIdTokenForDeveloperIdentityCommand).resolves({ IdentityId: OTHER_IDENTITY, Token: 'tok' });
    await expect(cache.get(SUB, 'alice')).rejects.toMatchObject({ status: 401, code: 'Unauthenticated' });
    expect(identityMock.commandCalls(GetCredentialsForIdentityCommand)).toHaveLength(0);
  });

  it("serves a re-onboarded user's new identity once the trust window passes, never the cached old one", async () => {
    const { cache, advance, now } = setup();
    onboardedUser(now);
    expect((await cache.get(SUB, 'alice')).identityId).toBe(IDENTITY_ID);
    // Offboarded and onboarded again: a new identity in the pool and on the user's record.
    userPoolHas({ identityId: OTHER_IDENTITY });
    identityMock.on(GetOpenIdTokenForDeveloperIdentityCommand).resolves({ IdentityId: OTHER_IDENTITY, Token: 'tok2' });
    identityMock.on(GetCredentialsForIdentityCommand).callsFake(() => ({
      IdentityId: OTHER_IDENTITY,
      Credentials: { AccessKeyId: 'ASIA2', SecretKey: 's2', SessionToken: 't2', Expiration: new Date(now() + HOUR) },
    }));
    advance(REVALIDATE_S * 1000);
    const access = await cache.get(SUB, 'alice');
    expect(access).toMatchObject({ identityId: OTHER_IDENTITY, token: 'tok2' });
    expect(identityMock.commandCalls(GetCredentialsForIdentityCommand)).toHaveLength(2);
  });

  it('refreshes credentials shortly before they expire', async () => {
    const { cache, advance, now } = setup();
    onboardedUser(now);
    await cache.get(SUB, 'alice');
    advance(HOUR - 4 * 60_000);
    await cache.get(SUB, 'alice');
    expect(identityMock.commandCalls(GetCredentialsForIdentityCommand)).toHaveLength(2);
  });

  it('shares one trust check and one fetch between concurrent requests of the same user', async () => {
    const { cache, now } = setup();
    onboardedUser(now);
    await Promise.all([cache.get(SUB, 'alice'), cache.get(SUB, 'alice'), cache.get(SUB, 'alice')]);
    expect(idpMock.commandCalls(AdminGetUserCommand)).toHaveLength(1);
    expect(identityMock.commandCalls(GetCredentialsForIdentityCommand)).toHaveLength(1);
  });

  it('answers NotOnboarded, carrying the user, for a trusted user without an identity', async () => {
    const { cache } = setup();
    userPoolHas({ identityId: null, onboarded: null });
    await expect(cache.get(SUB, 'alice')).rejects.toMatchObject({ status: 409, code: 'NotOnboarded', user: { sub: SUB, username: 'alice' } });
    expect(identityMock.calls()).toHaveLength(0);
  });

  it('asks the user pool again after NotOnboarded, so the retry sees the finished onboarding', async () => {
    const { cache, now } = setup();
    userPoolHas({ identityId: null, onboarded: null });
    await expect(cache.get(SUB, 'alice')).rejects.toMatchObject({ code: 'NotOnboarded' });
    onboardedUser(now);
    await expect(cache.get(SUB, 'alice')).resolves.toMatchObject({ identityId: IDENTITY_ID });
    expect(idpMock.commandCalls(AdminGetUserCommand)).toHaveLength(2);
  });

  it('answers UpstreamFailure when the identity pool fails', async () => {
    const { cache, now } = setup();
    onboardedUser(now);
    identityMock.on(GetCredentialsForIdentityCommand).rejects(awsError('InternalErrorException', 500));
    await expect(cache.get(SUB, 'alice')).rejects.toMatchObject({ status: 502, code: 'UpstreamFailure' });
  });
});
