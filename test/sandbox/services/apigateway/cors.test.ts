import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RsaTokenSigner } from '../../../../sandbox/wire/token-signer';
import { startHttpApi, type HttpApiRoute, type HttpApiServer } from '../../../../sandbox/services/apigateway/http-api';

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI';
const CLIENT_ID = 'abcdefghijklmnopqrstuvwxyz';
const APP = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

const CORS = { allowOrigins: [APP, 'http://localhost:5173'], allowMethods: ['DELETE', 'GET', 'POST'], allowHeaders: ['authorization', 'content-type'], exposeHeaders: ['retry-after'], maxAgeSeconds: 600 };

let withCors: HttpApiServer;
let withoutCors: HttpApiServer;
let signer: RsaTokenSigner;
/** Every time the JWT authorizer reads the key set, i.e. ran on a request with a token. */
let authorizerRuns = 0;
let events: APIGatewayProxyEventV2WithJWTAuthorizer[] = [];

function idToken(): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return signer.sign({ sub: '11111111-2222-4333-8444-555555555555', iss: ISSUER, aud: CLIENT_ID, token_use: 'id', iat, exp: iat + 3600 });
}

/** The integration: records the event and answers with CORS headers of its own (which API Gateway ignores when it has a CORS configuration). */
async function handler(event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> {
  events.push(event);
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'Access-Control-Allow-Origin': '*', vary: 'accept-encoding' }, body: '{"devices":[]}' };
}

const ROUTES: HttpApiRoute[] = [
  { routeKey: 'GET /devices', authorize: true, handler },
  { routeKey: 'GET /iot/credentials', authorize: true, handler },
  { routeKey: 'POST /devices/{thingName}/commands', authorize: true, handler },
  // Would answer 401 to an OPTIONS without a token if the preflight reached route selection.
  { routeKey: 'ANY /things', authorize: true, handler },
];

beforeAll(async () => {
  signer = new RsaTokenSigner(Date.now);
  const jwt = { issuer: ISSUER, audience: [CLIENT_ID], jwks: () => ((authorizerRuns += 1), signer.jwks()) };
  withCors = await startHttpApi({ routes: ROUTES, jwt, cors: CORS });
  withoutCors = await startHttpApi({ routes: ROUTES, jwt });
});

afterAll(async () => {
  await withCors?.close();
  await withoutCors?.close();
});

beforeEach(() => {
  authorizerRuns = 0;
  events = [];
});

/** The CORS-related headers of an answer (access-control-* and vary). */
function corsHeadersOf(headers: Headers): Record<string, string> {
  return Object.fromEntries([...headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'));
}

/** What a browser sends before `fetch(url, { method, headers: { authorization, content-type } })` from `origin`. */
function preflight(api: HttpApiServer, path: string, origin: string, method = 'GET') {
  return fetch(`${api.url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
  });
}

const PREFLIGHT_ANSWER = {
  'access-control-allow-origin': APP,
  'access-control-allow-methods': 'DELETE,GET,POST',
  'access-control-allow-headers': 'authorization,content-type',
  'access-control-max-age': '600',
  vary: 'origin',
};

describe('CORS configured', () => {
  it.each([
    ['/devices', 'GET'],
    ['/iot/credentials', 'GET'],
    ['/devices/lamp-1/commands', 'POST'],
    ['/things', 'DELETE'],
  ])('answers the preflight of %s %s from an allowed origin itself: 204, exact headers, no authorizer, no integration', async (path, method) => {
    const res = await preflight(withCors, path, APP, method);
    expect(res.status).toBe(204);
    expect(corsHeadersOf(res.headers)).toEqual(PREFLIGHT_ANSWER);
    expect(res.headers.get('apigw-requestid')).toMatch(/=$/);
    expect(await res.text()).toBe('');
    expect(authorizerRuns).toBe(0);
    expect(events).toEqual([]);
  });

  it('echoes the one allowed origin that asked, not the list', async () => {
    const res = await preflight(withCors, '/devices', 'http://localhost:5173');
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('gives a preflight from an origin not allowed no CORS headers, so the browser refuses it', async () => {
    const res = await preflight(withCors, '/devices', OTHER);
    expect(res.status).toBe(204);
    expect(corsHeadersOf(res.headers)).toEqual({});
    expect(events).toEqual([]);
  });

  it('matches origins exactly (scheme, host and port)', async () => {
    for (const near of ['http://app.example.com', 'https://app.example.com:8443', 'https://app.example.com.evil.net']) {
      const res = await preflight(withCors, '/devices', near);
      expect(corsHeadersOf(res.headers), near).toEqual({});
    }
  });

  it('adds the allowed origin to the answer of GET /devices with a token, replacing the integration\'s own CORS headers', async () => {
    const res = await fetch(`${withCors.url}/devices`, { headers: { origin: APP, authorization: `Bearer ${await idToken()}` } });
    expect(res.status).toBe(200);
    expect(corsHeadersOf(res.headers)).toEqual({ 'access-control-allow-origin': APP, 'access-control-expose-headers': 'retry-after', vary: 'accept-encoding, origin' });
    expect(await res.json()).toEqual({ devices: [] });
    expect(events).toHaveLength(1);
  });

  it("adds it to the authorizer's 401 too, so the app can read why", async () => {
    const res = await fetch(`${withCors.url}/iot/credentials`, { headers: { origin: APP } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('gives an actual request from an origin not allowed no CORS headers, not even the integration\'s', async () => {
    const res = await fetch(`${withCors.url}/devices`, { headers: { origin: OTHER, authorization: `Bearer ${await idToken()}` } });
    expect(res.status).toBe(200);
    expect(corsHeadersOf(res.headers)).toEqual({ vary: 'accept-encoding' });
  });

  it('routes an OPTIONS without Access-Control-Request-Method like any method (not a preflight)', async () => {
    const res = await fetch(`${withCors.url}/devices`, { method: 'OPTIONS', headers: { origin: APP } });
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
  });
});

describe('no CORS configured', () => {
  it('routes a preflight like any OPTIONS request: 404 where no route takes OPTIONS, no CORS headers', async () => {
    const res = await preflight(withoutCors, '/devices', APP);
    expect(res.status).toBe(404);
    expect(corsHeadersOf(res.headers)).toEqual({});
  });

  it('sends a preflight to an ANY route, whose authorizer refuses it without a token', async () => {
    const res = await preflight(withoutCors, '/things', APP, 'DELETE');
    expect(res.status).toBe(401);
    expect(corsHeadersOf(res.headers)).toEqual({});
  });

  it("passes the integration's own headers through, CORS ones included", async () => {
    const res = await fetch(`${withoutCors.url}/devices`, { headers: { origin: APP, authorization: `Bearer ${await idToken()}` } });
    expect(res.status).toBe(200);
    expect(corsHeadersOf(res.headers)).toEqual({ 'access-control-allow-origin': '*', vary: 'accept-encoding' });
  });
});

/** A second HTTP client: curl's own request line and header parsing. */
async function curlPreflight(api: HttpApiServer, path: string, origin: string): Promise<{ status: number; headers: Record<string, string> }> {
  const { stdout } = await promisify(execFile)('curl', [
    '-sS', '-i', '-X', 'OPTIONS', `${api.url}${path}`,
    '-H', `Origin: ${origin}`, '-H', 'Access-Control-Request-Method: GET', '-H', 'Access-Control-Request-Headers: authorization',
  ]);
  const [statusLine = '', ...lines] = stdout.split('\r\n\r\n')[0]?.split('\r\n') ?? [];
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers };
}

describe('preflight from curl', () => {
  const corsOf = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([n]) => n.startsWith('access-control-') || n === 'vary'));

  it('answers an allowed origin with the exact CORS headers, without the authorizer', async () => {
    const { status, headers } = await curlPreflight(withCors, '/iot/credentials', APP);
    expect(status).toBe(204);
    expect(corsOf(headers)).toEqual(PREFLIGHT_ANSWER);
    expect(authorizerRuns).toBe(0);
    expect(events).toEqual([]);
  });

  it('answers an origin not allowed without CORS headers', async () => {
    const { status, headers } = await curlPreflight(withCors, '/iot/credentials', OTHER);
    expect(status).toBe(204);
    expect(corsOf(headers)).toEqual({});
  });

  it('gets the usual 404 without a CORS configuration', async () => {
    expect((await curlPreflight(withoutCors, '/iot/credentials', APP)).status).toBe(404);
  });
});
