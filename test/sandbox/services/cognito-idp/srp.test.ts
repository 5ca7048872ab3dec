import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from '../../../support/aws-error';
import { cognitoIdpFixture } from '../../../support/cognito-idp-fixture';

const f = cognitoIdpFixture();

const PASSWORD = 'Long-enough-pass1';
let userPoolId = '';
let publicClient = '';
let secretClient = { clientId: '', clientSecret: '' };
let noSrpClient = '';
let counter = 0;
/** The anonymous client a browser app has: no credentials, InitiateAuth and RespondToAuthChallenge only. */
let anonymous: CognitoIdentityProviderClient;

async function newUser(password = PASSWORD): Promise<string> {
  const username = `srp-user-${++counter}`;
  await f.cognito.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, MessageAction: 'SUPPRESS' }));
  await f.cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: password, Permanent: true }));
  return username;
}

beforeAll(() => {
  userPoolId = f.idp.createUserPool({ name: 'srp' }).userPoolId;
  publicClient = f.idp.createAppClient(userPoolId, { generateSecret: false, explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }).clientId;
  const withSecret = f.idp.createAppClient(userPoolId, { generateSecret: true, explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
  secretClient = { clientId: withSecret.clientId, clientSecret: withSecret.clientSecret ?? '' };
  noSrpClient = f.idp.createAppClient(userPoolId, { generateSecret: false, explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }).clientId;
  anonymous = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: f.idp.url, maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  return () => anonymous.destroy();
});

afterEach(() => f.idp.setPostAuthenticationTrigger(undefined));

async function expectPoolToken(idToken: string | undefined, username: string): Promise<void> {
  const { payload } = await jwtVerify(idToken ?? '', createLocalJWKSet(f.idp.jwks(userPoolId)));
  expect(payload['cognito:username']).toBe(username);
  expect(payload['token_use']).toBe('id');
}

// --- amazon-cognito-identity-js, unmodified, pointed at the sandbox endpoint -------------------

function librarySignIn(username: string, password: string, clientId = publicClient): Promise<{ idToken: string; user: CognitoUser; session: CognitoUserSession }> {
  const pool = new CognitoUserPool({ UserPoolId: userPoolId, ClientId: clientId, endpoint: f.idp.url });
  const user = new CognitoUser({ Username: username, Pool: pool });
  user.setAuthenticationFlowType('USER_SRP_AUTH');
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (session) => resolve({ idToken: session.getIdToken().getJwtToken(), user, session }),
      onFailure: (error: Error & { code?: string }) => reject(Object.assign(new Error(error.message), { name: error.code ?? error.name })),
    });
  });
}

// --- a second, independent SRP client written from the protocol (node:crypto's own HKDF) ----------

const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245' +
  'E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9' +
  'DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB31' +
  '43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';
const bigN = BigInt(`0x${N_HEX}`);

/** Big-endian bytes of a positive integer with a sign byte when the top bit is set (Java's BigInteger.toByteArray). */
function signedBytes(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}
const sha = (...parts: Array<Buffer | string>) => createHash('sha256').update(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)))).digest();
const toInt = (bytes: Buffer) => BigInt(`0x${bytes.toString('hex')}`);
function powMod(base: bigint, exp: bigint): bigint {
  let r = 1n;
  for (let b = ((base % bigN) + bigN) % bigN, e = exp; e > 0n; e >>= 1n, b = (b * b) % bigN) if (e & 1n) r = (r * b) % bigN;
  return r;
}
/** "ddd MMM D HH:mm:ss UTC YYYY": the weekday, month and time as `toUTCString` spells them, the day without a leading zero. */
function timestampNow(ms = Date.now()): string {
  const d = new Date(ms);
  const [weekday = '', , month = '', year = '', time = ''] = d.toUTCString().replace(',', '').split(' ');
  return `${weekday} ${month} ${d.getUTCDate()} ${time} UTC ${year}`;
}

interface OwnClient {
  readonly A: string;
  answer(params: Record<string, string>, password: string, opts?: { timestamp?: string }): Record<string, string>;
}

function ownSrpClient(poolId: string): OwnClient {
  const a = toInt(randomBytes(128));
  const A = powMod(2n, a);
  const poolName = poolId.split('_')[1] ?? '';
  return {
    A: A.toString(16),
    answer(params, password, opts = {}) {
      const B = BigInt(`0x${params['SRP_B']}`);
      const userId = params['USER_ID_FOR_SRP'] ?? '';
      const k = toInt(sha(signedBytes(bigN), signedBytes(2n)));
      const u = toInt(sha(signedBytes(A), signedBytes(B)));
      const x = toInt(sha(signedBytes(BigInt(`0x${params['SALT']}`)), sha(`${poolName}${userId}:${password}`)));
      const S = powMod(B - k * powMod(2n, x), a + u * x);
      const key = Buffer.from(hkdfSync('sha256', signedBytes(S), signedBytes(u), Buffer.from('Caldera Derived Key'), 16));
      const timestamp = opts.timestamp ?? timestampNow();
      const block = params['SECRET_BLOCK'] ?? '';
      const signature = createHmac('sha256', key).update(Buffer.concat([Buffer.from(poolName + userId), Buffer.from(block, 'base64'), Buffer.from(timestamp)])).digest('base64');
      return { USERNAME: userId, PASSWORD_CLAIM_SECRET_BLOCK: block, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp };
    },
  };
}

const secretHash = (username: string) => createHmac('sha256', secretClient.clientSecret).update(username + secretClient.clientId).digest('base64');

async function ownSignIn(username: string, password: string, clientId = publicClient): Promise<AuthenticationResultType | undefined> {
  const client = ownSrpClient(userPoolId);
  const started = await anonymous.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: username, SRP_A: client.A } }));
  const answered = await anonymous.send(
    new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'PASSWORD_VERIFIER', Session: started.Session, ChallengeResponses: client.answer(started.ChallengeParameters ?? {}, password) }),
  );
  return answered.AuthenticationResult;
}

describe('USER_SRP_AUTH with amazon-cognito-identity-js (what a browser app runs)', () => {
  it('signs in and gets ID tokens signed by the pool', async () => {
    const username = await newUser();
    const { idToken } = await librarySignIn(username, PASSWORD);
    await expectPoolToken(idToken, username);
  });

  it('refreshes the session with the library (its REFRESH_TOKEN_AUTH sends "DEVICE_KEY": null, which Cognito takes)', async () => {
    const username = await newUser();
    const { user, session } = await librarySignIn(username, PASSWORD);
    const refreshed = await new Promise<CognitoUserSession>((resolve, reject) =>
      user.refreshSession(session.getRefreshToken(), (error: unknown, next: CognitoUserSession) => (error ? reject(error as Error) : resolve(next))),
    );
    await expectPoolToken(refreshed.getIdToken().getJwtToken(), username);
    expect(refreshed.getRefreshToken().getToken()).toBe(session.getRefreshToken().getToken());
  });

  it("signs out with the library's revoking signOut: RevokeToken ends that refresh token and its access tokens, not another session's", async () => {
    const username = await newUser();
    const first = await librarySignIn(username, PASSWORD);
    const second = await librarySignIn(username, PASSWORD);
    const refreshToken = first.session.getRefreshToken().getToken();
    await new Promise<void>((resolve, reject) => first.user.signOut((error?: unknown) => (error ? reject(error as Error) : resolve())));
    const refresh = (token: string) => f.cognito.send(new InitiateAuthCommand({ ClientId: publicClient, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: token } }));
    await expect(refresh(refreshToken)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Refresh Token has been revoked' });
    await expect(f.cognito.send(new GetUserCommand({ AccessToken: first.session.getAccessToken().getJwtToken() }))).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
    await expect(refresh(second.session.getRefreshToken().getToken())).resolves.toMatchObject({ AuthenticationResult: { IdToken: expect.any(String) } });
    await expect(f.cognito.send(new GetUserCommand({ AccessToken: second.session.getAccessToken().getJwtToken() }))).resolves.toMatchObject({ Username: username });
  });

  it('refuses RevokeToken from another client, or without the secret of a client that has one', async () => {
    const username = await newUser();
    const { session } = await librarySignIn(username, PASSWORD);
    const token = session.getRefreshToken().getToken();
    await expect(f.cognito.send(new RevokeTokenCommand({ ClientId: secretClient.clientId, Token: token }))).rejects.toMatchObject({ name: 'UnauthorizedException' });
    await expect(f.cognito.send(new RevokeTokenCommand({ ClientId: noSrpClient, Token: token }))).rejects.toMatchObject({ name: 'UnauthorizedException' });
    await expect(f.cognito.send(new InitiateAuthCommand({ ClientId: publicClient, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: token } }))).resolves.toBeDefined();
  });

  it('refuses a wrong password with "Incorrect username or password."', async () => {
    const username = await newUser();
    await expect(librarySignIn(username, 'Wrong-password-1')).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it('refuses an unknown user exactly like a wrong password', async () => {
    await expect(librarySignIn('nobody-here', PASSWORD)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it('is refused by an app client without ALLOW_USER_SRP_AUTH', async () => {
    const username = await newUser();
    await expect(librarySignIn(username, PASSWORD, noSrpClient)).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'USER_SRP_AUTH is not enabled for the client.' });
  });

  it('runs the post-authentication trigger once per successful sign-in, and not for a wrong password', async () => {
    const events: PostAuthenticationTriggerEvent[] = [];
    f.idp.setPostAuthenticationTrigger(async (event) => {
      events.push(event);
      return event;
    });
    const username = await newUser();
    await expect(librarySignIn(username, 'Wrong-password-1')).rejects.toThrow();
    expect(events).toHaveLength(0);
    await librarySignIn(username, PASSWORD);
    expect(events.map((e) => [e.triggerSource, e.userName, e.callerContext.clientId])).toEqual([['PostAuthentication_Authentication', username, publicClient]]);
  });
});

describe('USER_SRP_AUTH with a second client written from the protocol', () => {
  it('signs in through InitiateAuth and RespondToAuthChallenge', async () => {
    const username = await newUser();
    const result = await ownSignIn(username, PASSWORD);
    await expectPoolToken(result?.IdToken, username);
    expect(result?.RefreshToken).toBeTruthy();
  });

  it('gets the challenge AWS sends: SALT, SRP_B, SECRET_BLOCK, USERNAME, USER_ID_FOR_SRP and a Session', async () => {
    const username = await newUser();
    const out = await anonymous.send(new InitiateAuthCommand({ ClientId: publicClient, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: username, SRP_A: ownSrpClient(userPoolId).A } }));
    expect(out.ChallengeName).toBe('PASSWORD_VERIFIER');
    expect(Object.keys(out.ChallengeParameters ?? {}).sort()).toEqual(['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
    expect(out.ChallengeParameters?.['USER_ID_FOR_SRP']).toBe(username);
    expect(out.Session).toBeTruthy();
  });

  it('signs in through a client with a secret when SECRET_HASH is sent, and is refused without it', async () => {
    const username = await newUser();
    const client = ownSrpClient(userPoolId);
    const auth = { USERNAME: username, SRP_A: client.A };
    const missing = await errorOf(anonymous.send(new InitiateAuthCommand({ ClientId: secretClient.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: auth })));
    expect(missing.name).toBe('NotAuthorizedException');
    const started = await anonymous.send(new InitiateAuthCommand({ ClientId: secretClient.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { ...auth, SECRET_HASH: secretHash(username) } }));
    const responses = { ...client.answer(started.ChallengeParameters ?? {}, PASSWORD), SECRET_HASH: secretHash(username) };
    const out = await anonymous.send(new RespondToAuthChallengeCommand({ ClientId: secretClient.clientId, ChallengeName: 'PASSWORD_VERIFIER', Session: started.Session, ChallengeResponses: responses }));
    await expectPoolToken(out.AuthenticationResult?.IdToken, username);
  });

  it('signs in through AdminInitiateAuth and AdminRespondToAuthChallenge', async () => {
    const username = await newUser();
    const client = ownSrpClient(userPoolId);
    const started = await f.cognito.send(new AdminInitiateAuthCommand({ UserPoolId: userPoolId, ClientId: publicClient, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: username, SRP_A: client.A } }));
    const out = await f.cognito.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: userPoolId,
        ClientId: publicClient,
        ChallengeName: 'PASSWORD_VERIFIER',
        Session: started.Session,
        ChallengeResponses: client.answer(started.ChallengeParameters ?? {}, PASSWORD),
      }),
    );
    await expectPoolToken(out.AuthenticationResult?.IdToken, username);
  });

  it('refuses a wrong password', async () => {
    const username = await newUser();
    const error = await errorOf(ownSignIn(username, 'Wrong-password-1'));
    expect(error).toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it.each([
    ['A = N (A mod N is 0)', N_HEX],
    ['A = 0', '0'],
    ['not hex', 'xyz'],
  ])('refuses a malformed SRP_A: %s', async (_case, srpA) => {
    const username = await newUser();
    const error = await errorOf(anonymous.send(new InitiateAuthCommand({ ClientId: publicClient, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: username, SRP_A: srpA } })));
    expect(error.name).toBe('InvalidParameterException');
  });

  it('refuses a session answered a second time, even with a correct answer', async () => {
    const username = await newUser();
    const client = ownSrpClient(userPoolId);
    const started = await anonymous.send(new InitiateAuthCommand({ ClientId: publicClient, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: username, SRP_A: client.A } }));
    const request = { ClientId: publicClient, ChallengeName: 'PASSWORD_VERIFIER' as const, Session: started.Session, ChallengeResponses: client.answer(started.ChallengeParameters ?? {}, PASSWORD) };
    await anonymous.send(new RespondToAuthChallengeCommand(request));
    const replay = await errorOf(anonymous.send(new RespondToAuthChallengeCommand(request)));
    expect(replay).toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid session for the user, session can only be used once.' });
  });

  it.each([
    ['ten minutes behind', timestampNow(Date.now() - 10 * 60_000)],
    ['ten minutes ahead', timestampNow(Date.now() + 10 * 60_000)],
    ['in another format (ISO 8601)', new Date().toISOString()],
  ])('refuses a TIMESTAMP %s, though correctly signed', async (_case, timestamp) => {
    const username = await newUser();
    const client = ownSrpClient(userPoolId);
    const started = await anonymous.send(new InitiateAuthCommand({ ClientId: publicClient, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: username, SRP_A: client.A } }));
    const responses = client.answer(started.ChallengeParameters ?? {}, PASSWORD, { timestamp });
    const error = await errorOf(anonymous.send(new RespondToAuthChallengeCommand({ ClientId: publicClient, ChallengeName: 'PASSWORD_VERIFIER', Session: started.Session, ChallengeResponses: responses })));
    expect(error).toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });
});
