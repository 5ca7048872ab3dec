import { AdminGetUserCommand, CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { createHmac } from 'node:crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { authorizeConnect, principalIdFor } from '../../../../../functions/authorizer/iot-authorizer/core';
import { iotPolicyDocument } from '../../../../../functions/shared/iot-policy/user-policy';
import { silentLog, type Log } from '../../../../../functions/shared/observability/logging';
import { checkUser, TrustCache } from '../../../../../functions/shared/trust/user-trust';
import { awsError, IDENTITY_ID, SUB } from '../../../fixtures';

const idpMock = mockClient(CognitoIdentityProviderClient);
const POOL = 'us-east-1_TestPool1';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const CLIENT_ID = 'authorizerclient123';
const NOW = Date.parse('2026-11-21T12:00:00Z');
const scope = { region: 'us-east-1', account: '123456789012' };

type CryptoKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
let privateKey: CryptoKey;
let otherKey: CryptoKey;
let jwk: JWK;

async function idToken(claims: Record<string, unknown> = {}, options: { key?: CryptoKey; expiresInS?: number } = {}) {
  const iat = Math.floor(NOW / 1000);
  return new SignJWT({
    sub: SUB,
    aud: CLIENT_ID,
    token_use: 'id',
    'cognito:username': 'alice',
    'custom:identity_id': IDENTITY_ID,
    auth_time: iat,
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.expiresInS ?? 3600))
    .sign(options.key ?? privateKey);
}

function verifier() {
  const v = CognitoJwtVerifier.create({ userPoolId: POOL, tokenUse: 'id', clientId: CLIENT_ID });
  v.cacheJwks({ keys: [{ ...jwk, kid: 'k1', alg: 'RS256', use: 'sig' }] } as never);
  // aws-jwt-verify checks exp against Date.now, which the tests pin to NOW (fake Date).
  return { verify: (token: string) => v.verify(token) as Promise<Record<string, unknown>> };
}

/** AdminGetUser as the user pool answers it for alice, the token's user, unless a test says otherwise. */
function userPoolHas(overrides: { sub?: string; enabled?: boolean; status?: string; identityId?: string } = {}) {
  idpMock.on(AdminGetUserCommand).resolves({
    Username: 'alice',
    Enabled: overrides.enabled ?? true,
    UserStatus: (overrides.status ?? 'CONFIRMED') as never,
    UserAttributes: [
      { Name: 'sub', Value: overrides.sub ?? SUB },
      { Name: 'custom:iot_onboarded', Value: '1' },
      { Name: 'custom:identity_id', Value: overrides.identityId ?? IDENTITY_ID },
    ],
  });
}

const REVALIDATE_S = 600;

/** The reasons the authorizer logged for its denials. */
let denials: Array<{ reason: unknown; detail: unknown }> = [];
const recordingLog: Log = {
  ...silentLog,
  warn: (_message, attributes) => {
    denials.push({ reason: attributes?.reason, detail: attributes?.detail });
  },
};

const deps = (options: { now?: () => number } = {}) => {
  const cognitoIdp = new CognitoIdentityProviderClient({ region: 'us-east-1' });
  const now = options.now ?? (() => NOW);
  return {
    verifier: verifier(),
    cognitoIdp,
    trust: new TrustCache({ check: (token) => checkUser(cognitoIdp, POOL, token), now, revalidateSeconds: REVALIDATE_S }),
    log: recordingLog,
    now,
    config: { clientId: CLIENT_ID, clientSecret: async () => 'client-secret', policyScope: scope, revalidateSeconds: REVALIDATE_S },
  };
};

const connect = (username: string, password: string | Buffer) => ({
  protocols: ['mqtt'],
  protocolData: {
    mqtt: { username, password: Buffer.from(password).toString('base64'), clientId: IDENTITY_ID },
  },
  connectionMetadata: { id: 'c1' },
});

describe('IoT custom authorizer', () => {
  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey as CryptoKey;
    otherKey = (await generateKeyPair('RS256')).privateKey as CryptoKey;
    jwk = await exportJWK(pair.publicKey);
  });
  beforeEach(() => {
    idpMock.reset();
    userPoolHas();
    denials = [];
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('authorizes a valid ID token with one AdminGetUser and no sign-in', async () => {
    const response = await authorizeConnect(connect('alice', await idToken()), deps());
    expect(response.isAuthenticated).toBe(true);
    expect(idpMock.commandCalls(AdminGetUserCommand)).toHaveLength(1);
    expect(idpMock.commandCalls(InitiateAuthCommand)).toHaveLength(0);
  });

  it('asks the user pool at every connect: a decision reused from an earlier session would outlive the window by its age', async () => {
    const d = deps();
    await authorizeConnect(connect('alice', await idToken()), d);
    expect((await authorizeConnect(connect('alice', await idToken()), d)).isAuthenticated).toBe(true);
    expect(idpMock.commandCalls(AdminGetUserCommand)).toHaveLength(2);
  });

  it('shares one AdminGetUser between connects of one user that arrive together', async () => {
    const d = deps();
    const token = await idToken();
    const answers = await Promise.all([authorizeConnect(connect('alice', token), d), authorizeConnect(connect('alice', token), d)]);
    expect(answers.map((a) => a.isAuthenticated)).toEqual([true, true]);
    expect(idpMock.commandCalls(AdminGetUserCommand)).toHaveLength(1);
  });

  it.each([
    ['a deleted user', () => idpMock.on(AdminGetUserCommand).rejects(awsError('UserNotFoundException', 400, 'User does not exist.')), 'user-not-found'],
    ['a disabled user', () => userPoolHas({ enabled: false }), 'user-disabled'],
    ['an unconfirmed user', () => userPoolHas({ status: 'UNCONFIRMED' }), 'user-not-confirmed'],
    ['a username now held by another user (other sub)', () => userPoolHas({ sub: '99999999-8888-4777-8666-555555555555' }), 'sub-mismatch'],
    ['a token whose identity is no longer the user\'s', () => userPoolHas({ identityId: 'us-east-1:00000000-0000-4000-8000-000000000000' }), 'identity-mismatch'],
  ])('denies %s, though its token is valid', async (_label, arrange, reason) => {
    arrange();
    const response = await authorizeConnect(connect('alice', await idToken()), deps());
    expect(response).toMatchObject({ isAuthenticated: false, policyDocuments: [] });
    expect(denials.map((d) => d.reason)).toEqual([reason]);
  });

  it('refreshes the policy at the re-validation window, and the refresh denies a user disabled since', async () => {
    let now = NOW;
    const d = deps({ now: () => now });
    const first = await authorizeConnect(connect('alice', await idToken()), d);
    expect(first.refreshAfterInSeconds).toBe(REVALIDATE_S);
    userPoolHas({ enabled: false });
    now += REVALIDATE_S * 1000;
    expect((await authorizeConnect(connect('alice', await idToken()), d)).isAuthenticated).toBe(false);
  });

  it.each([300, 600])(
    'never lets a session outlive the window after a disable: a decision of an earlier session is not reused (W = %i s)',
    async (window) => {
      let now = NOW;
      const d = { ...deps({ now: () => now }), config: { ...deps().config, revalidateSeconds: window } };
      const token = await idToken();
      // Session 1 connects at 0 s; the user is disabled at 1 s; session 2 connects at 200 s.
      expect((await authorizeConnect(connect('alice', token), d)).isAuthenticated).toBe(true);
      const disabledAt = now + 1_000;
      userPoolHas({ enabled: false });
      now += 200_000;
      const second = await authorizeConnect(connect('alice', token), d);
      // Admitted, session 2 would run until its refresh: that must be within the window.
      const sessionEndsAt = second.isAuthenticated ? now + second.refreshAfterInSeconds * 1000 : now;
      expect(sessionEndsAt - disabledAt).toBeLessThanOrEqual(Math.max(window, 300) * 1000);
      expect(second.isAuthenticated).toBe(false);
    },
  );

  it('denies when the user pool cannot be asked, rather than letting the client in', async () => {
    idpMock.on(AdminGetUserCommand).rejects(awsError('InternalErrorException', 500));
    expect((await authorizeConnect(connect('alice', await idToken()), deps())).isAuthenticated).toBe(false);
    expect(denials.map((d) => d.reason)).toEqual(['upstream-failure']);
  });

  it('answers the user\'s own policy from the shared template, no wider', async () => {
    const response = await authorizeConnect(connect('alice', await idToken()), deps());
    expect(response.policyDocuments).toHaveLength(1);
    expect(JSON.parse(response.policyDocuments[0] as string)).toEqual(iotPolicyDocument(scope, IDENTITY_ID));
    expect(response.policyDocuments[0]).not.toContain('${');
    expect((response.policyDocuments[0] as string).length).toBeLessThanOrEqual(2048);
  });

  it('answers an alphanumeric principalId and a session that ends with the token', async () => {
    const response = await authorizeConnect(connect('alice', await idToken({}, { expiresInS: 1800 })), deps());
    expect(response.principalId).toMatch(/^[a-zA-Z0-9]{1,128}$/);
    expect(response.principalId).toBe(principalIdFor(SUB));
    expect(response.disconnectAfterInSeconds).toBe(1800);
    expect(response.refreshAfterInSeconds).toBeGreaterThanOrEqual(300);
    expect(response.refreshAfterInSeconds).toBeLessThanOrEqual(1800);
  });

  it('strips the device SDK\'s suffix from the username', async () => {
    const username = 'alice?x-amz-customauthorizer-name=CognitoAuthorizer&SDK=NodeJSv2&Version=1.28.0';
    expect((await authorizeConnect(connect(username, await idToken()), deps())).isAuthenticated).toBe(true);
  });

  it('authorizes a valid password through InitiateAuth with SECRET_HASH', async () => {
    idpMock.on(InitiateAuthCommand).resolves({ AuthenticationResult: { IdToken: await idToken() } });
    const response = await authorizeConnect(connect('alice', 'Correct-Horse-1'), deps());
    expect(response.isAuthenticated).toBe(true);
    expect(idpMock.commandCalls(InitiateAuthCommand)[0]?.args[0].input).toEqual({
      ClientId: CLIENT_ID,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: {
        USERNAME: 'alice',
        PASSWORD: 'Correct-Horse-1',
        SECRET_HASH: createHmac('sha256', 'client-secret').update(`alice${CLIENT_ID}`).digest('base64'),
      },
    });
  });

  it('signs in without SECRET_HASH for a public app client (an adopted pool\'s web client has no secret)', async () => {
    idpMock.on(InitiateAuthCommand).resolves({ AuthenticationResult: { IdToken: await idToken() } });
    const d = deps();
    const response = await authorizeConnect(connect('alice', 'Correct-Horse-1'), { ...d, config: { ...d.config, clientSecret: async () => undefined } });
    expect(response.isAuthenticated).toBe(true);
    expect(idpMock.commandCalls(InitiateAuthCommand)[0]?.args[0].input.AuthParameters).toEqual({ USERNAME: 'alice', PASSWORD: 'Correct-Horse-1' });
  });

  it('makes no AdminGetUser call in password mode: the sign-in itself proves the user is current', async () => {
    idpMock.on(InitiateAuthCommand).resolves({ AuthenticationResult: { IdToken: await idToken() } });
    expect((await authorizeConnect(connect('alice', 'Correct-Horse-1'), deps())).isAuthenticated).toBe(true);
    expect(idpMock.commandCalls(AdminGetUserCommand)).toHaveLength(0);
  });

  it('denies a wrong password', async () => {
    idpMock.on(InitiateAuthCommand).rejects(awsError('NotAuthorizedException', 400, 'Incorrect username or password.'));
    const response = await authorizeConnect(connect('alice', 'wrong'), deps());
    expect(response).toMatchObject({ isAuthenticated: false, policyDocuments: [] });
  });

  it('denies when Cognito is unavailable rather than letting the client in', async () => {
    idpMock.on(InitiateAuthCommand).rejects(awsError('InternalErrorException', 500));
    expect((await authorizeConnect(connect('alice', 'pw'), deps())).isAuthenticated).toBe(false);
  });

  it('denies an expired token: the JWT verifier checks exp against the clock', async () => {
    const response = await authorizeConnect(connect('alice', await idToken({}, { expiresInS: -60 })), deps());
    expect(response.isAuthenticated).toBe(false);
    expect(denials).toEqual([{ reason: 'invalid-token', detail: expect.stringMatching(/expired/i) }]);
  });

  it('accepts the same token while it is still valid, and denies it once the clock passes exp', async () => {
    const token = await idToken({}, { expiresInS: 3600 });
    expect((await authorizeConnect(connect('alice', token), deps())).isAuthenticated).toBe(true);
    vi.setSystemTime(NOW + 3_601_000);
    expect((await authorizeConnect(connect('alice', token), deps())).isAuthenticated).toBe(false);
    expect(denials).toEqual([{ reason: 'invalid-token', detail: expect.stringMatching(/expired/i) }]);
  });

  it('denies a token that expires before the 300-second minimum session', async () => {
    expect((await authorizeConnect(connect('alice', await idToken({}, { expiresInS: 120 })), deps())).isAuthenticated).toBe(false);
  });

  it('denies a token signed by another key', async () => {
    expect((await authorizeConnect(connect('alice', await idToken({}, { key: otherKey })), deps())).isAuthenticated).toBe(false);
    expect(denials).toEqual([{ reason: 'invalid-token', detail: expect.stringMatching(/signature/i) }]);
  });

  it('denies a token from another app client', async () => {
    expect((await authorizeConnect(connect('alice', await idToken({ aud: 'someoneelse' })), deps())).isAuthenticated).toBe(false);
  });

  it('denies a token from another user pool that is otherwise valid (same key, claims, app client)', async () => {
    const iat = Math.floor(NOW / 1000);
    const foreign = await new SignJWT({ sub: SUB, aud: CLIENT_ID, token_use: 'id', 'cognito:username': 'alice', 'custom:identity_id': IDENTITY_ID, auth_time: iat })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(privateKey);
    expect((await authorizeConnect(connect('alice', foreign), deps())).isAuthenticated).toBe(false);
    expect(denials).toEqual([{ reason: 'invalid-token', detail: expect.stringMatching(/issuer/i) }]);
  });

  it('denies an access token where an ID token is expected', async () => {
    expect((await authorizeConnect(connect('alice', await idToken({ token_use: 'access' })), deps())).isAuthenticated).toBe(false);
  });

  it('denies a token of another user than the MQTT username', async () => {
    expect((await authorizeConnect(connect('mallory', await idToken()), deps())).isAuthenticated).toBe(false);
  });

  it('denies a user not onboarded yet (no identity id in the token)', async () => {
    expect((await authorizeConnect(connect('alice', await idToken({ 'custom:identity_id': undefined })), deps())).isAuthenticated).toBe(false);
  });

  it.each([
    ['an empty password', { username: 'alice', password: '' }],
    ['a password that is not base64', { username: 'alice', password: 'not base64!' }],
    ['an oversized password', { username: 'alice', password: Buffer.alloc(9000, 'a').toString('base64') }],
    ['an empty username', { username: '?SDK=x', password: Buffer.from('pw').toString('base64') }],
  ])('denies %s without calling Cognito', async (_label, mqtt) => {
    const response = await authorizeConnect({ protocolData: { mqtt } }, deps());
    expect(response.isAuthenticated).toBe(false);
    expect(idpMock.calls()).toHaveLength(0);
  });

  it('denies a malformed event', async () => {
    expect((await authorizeConnect({ protocolData: {} }, deps())).isAuthenticated).toBe(false);
    expect((await authorizeConnect(null, deps())).isAuthenticated).toBe(false);
  });
});
