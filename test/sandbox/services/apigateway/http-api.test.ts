import { generateKeyPairSync } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SignJWT, decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RsaTokenSigner } from '../../../../sandbox/wire/token-signer';
import { HTTP_API_MAX_PAYLOAD_BYTES, startHttpApi, type HttpApiServer } from '../../../../sandbox/services/apigateway/http-api';

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI';
const CLIENT_ID = 'abcdefghijklmnopqrstuvwxyz';

let api: HttpApiServer;
let signer: RsaTokenSigner;
let clockOffsetMs = 0;
let events: APIGatewayProxyEventV2WithJWTAuthorizer[] = [];

const now = () => Date.now() + clockOffsetMs;

function idToken(overrides: Record<string, unknown> = {}): Promise<string> {
  const iat = Math.floor(now() / 1000);
  return signer.sign({
    sub: '11111111-2222-4333-8444-555555555555',
    iss: ISSUER,
    aud: CLIENT_ID,
    token_use: 'id',
    'cognito:username': 'ada',
    email_verified: true,
    iat,
    exp: iat + 3600,
    ...overrides,
  });
}

/** Re-signs a genuine token's claims with another private key, keeping the pool's kid. */
function forge(token: string): Promise<string> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: 'RS256', kid: signer.kid }).sign(privateKey);
}

function record(status = 202): (event: APIGatewayProxyEventV2WithJWTAuthorizer) => Promise<APIGatewayProxyStructuredResultV2> {
  return async (event) => {
    events.push(event);
    return { statusCode: status, headers: { 'content-type': 'application/json', 'x-handled': 'yes' }, body: JSON.stringify({ ok: true }) };
  };
}

beforeAll(async () => {
  signer = new RsaTokenSigner(now);
  api = await startHttpApi({
    routes: [
      { routeKey: 'POST /devices/{thingName}/commands', authorize: true, handler: record() },
      { routeKey: 'GET /iot/credentials', authorize: true, handler: record(200) },
      { routeKey: 'GET /health', authorize: false, handler: record(200) },
      { routeKey: 'POST /admin/things', authorize: true, authorizationScopes: ['admin/write'], handler: record(200) },
    ],
    jwt: { issuer: ISSUER, audience: [CLIENT_ID], jwks: () => signer.jwks() },
    now,
  });
});

afterAll(async () => {
  await api?.close();
});

beforeEach(() => {
  clockOffsetMs = 0;
  events = [];
});

function postCommand(token: string | undefined, thing = 'device_1', body = '{"state":{"led":"on"}}') {
  return fetch(`${api.url}/devices/${thing}/commands?qos=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'sandbox-test', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body,
  });
}

describe('JWT authorizer', () => {
  it('passes a valid token, with its claims as strings and the decoded path parameters, to the handler', async () => {
    const res = await postCommand(await idToken(), 'device%20one');
    expect(res.status).toBe(202);
    expect(res.headers.get('x-handled')).toBe('yes');
    expect(await res.json()).toEqual({ ok: true });
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /devices/{thingName}/commands',
      rawPath: '/devices/device%20one/commands',
      rawQueryString: 'qos=1',
      queryStringParameters: { qos: '1' },
      pathParameters: { thingName: 'device one' },
      body: '{"state":{"led":"on"}}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        stage: '$default',
        routeKey: 'POST /devices/{thingName}/commands',
        http: { method: 'POST', path: '/devices/device%20one/commands', userAgent: 'sandbox-test' },
        authorizer: { jwt: { claims: { sub: '11111111-2222-4333-8444-555555555555', 'cognito:username': 'ada', email_verified: 'true', aud: CLIENT_ID }, scopes: null } },
      },
    });
    expect(event?.requestContext.authorizer.jwt.claims['exp']).toMatch(/^\d+$/);
    expect(event?.headers['content-type']).toBe('application/json');
  });

  it('accepts the raw token without the Bearer prefix', async () => {
    const res = await fetch(`${api.url}/iot/credentials`, { headers: { authorization: await idToken() } });
    expect(res.status).toBe(200);
  });

  it('accepts an access token whose client_id is in the audience list', async () => {
    const res = await postCommand(await idToken({ aud: undefined, client_id: CLIENT_ID, token_use: 'access' }));
    expect(res.status).toBe(202);
  });

  it.each([
    ['a missing token', async () => undefined],
    ['a forged signature under the real kid', async () => forge(await idToken())],
    ['a key the JWKS does not list', async () => new RsaTokenSigner().sign(decodeJwt(await idToken()))],
    ['an expired token', async () => idToken({ exp: Math.floor(Date.now() / 1000) - 1 })],
    ['a token not yet valid', async () => idToken({ nbf: Math.floor(Date.now() / 1000) + 600 })],
    ['a wrong audience', async () => idToken({ aud: 'some-other-client' })],
    ['a wrong issuer', async () => idToken({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other0000' })],
    ['a malformed token', async () => 'not-a-jwt'],
  ])('answers 401 Unauthorized for %s without calling the handler', async (_case, token) => {
    const res = await postCommand(await token());
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
    expect(events).toHaveLength(0);
  });

  it('refuses a token that expired by the injected clock', async () => {
    const token = await idToken();
    clockOffsetMs = 3601_000;
    expect((await postCommand(token)).status).toBe(401);
    expect(events).toHaveLength(0);
  });

  it('refuses a correctly signed token that has no exp claim', async () => {
    const res = await postCommand(await idToken({ exp: undefined }));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('exp');
    expect(events).toHaveLength(0);
  });

  it('answers 403 Forbidden when the route requires a scope the token lacks', async () => {
    const res = await fetch(`${api.url}/admin/things`, { method: 'POST', headers: { authorization: await idToken({ scope: 'aws.cognito.signin.user.admin' }) } });
    expect(res.status).toBe(403);
    expect(events).toHaveLength(0);
  });
});

describe('payload quota', () => {
  it('answers 413 above 10 MB without calling the integration, and passes a body of exactly 10 MB', async () => {
    const token = await idToken();
    const tooLarge = await postCommand(token, 'device_1', 'x'.repeat(HTTP_API_MAX_PAYLOAD_BYTES + 1));
    expect([tooLarge.status, await tooLarge.json()]).toEqual([413, { message: 'Request Entity Too Large' }]);
    expect(events).toHaveLength(0);
    expect((await postCommand(token, 'device_1', 'x'.repeat(HTTP_API_MAX_PAYLOAD_BYTES))).status).toBe(202);
  });
});

describe('routing and integration', () => {
  it('answers 404 Not Found when no route matches', async () => {
    const res = await fetch(`${api.url}/devices/x/other`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'Not Found' });
  });

  it('does not match a route for another method', async () => {
    expect((await fetch(`${api.url}/health`, { method: 'DELETE' })).status).toBe(404);
  });

  it('calls unauthorized routes without a token, with an empty claim set', async () => {
    const res = await fetch(`${api.url}/health`);
    expect(res.status).toBe(200);
    expect(events[0]?.requestContext.authorizer.jwt.claims).toEqual({});
    expect(events[0]?.body).toBeUndefined();
  });

  it('base64-encodes bodies of non-text content types', async () => {
    const res = await fetch(`${api.url}/devices/d1/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await idToken()}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array([0, 1, 2, 255]),
    });
    expect(res.status).toBe(202);
    expect(events[0]).toMatchObject({ isBase64Encoded: true, body: Buffer.from([0, 1, 2, 255]).toString('base64') });
  });
});
