import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';
import { startHttpServer } from '../../wire/http';

export interface HttpApiRoute {
  /** `METHOD /path/{param}`, `ANY /path`, `GET /files/{proxy+}` or `$default`. */
  readonly routeKey: string;
  /** Whether the JWT authorizer guards the route. */
  readonly authorize: boolean;
  /** Route authorization scopes; the token's `scope` must hold at least one of them. */
  readonly authorizationScopes?: readonly string[];
  readonly handler: (event: APIGatewayProxyEventV2WithJWTAuthorizer) => Promise<APIGatewayProxyStructuredResultV2>;
}

export interface HttpApiOptions {
  readonly port?: number;
  readonly routes: readonly HttpApiRoute[];
  /** The JWT authorizer's configuration: issuer, audience list and the issuer's key set. */
  readonly jwt: { readonly issuer: string; readonly audience: readonly string[]; readonly jwks: () => JSONWebKeySet };
  readonly now?: () => number;
}

export interface HttpApiServer {
  readonly url: string;
  /** The generated API id (as in `<apiId>.execute-api.<region>.amazonaws.com`). */
  readonly apiId: string;
  close(): Promise<void>;
}

interface CompiledRoute {
  readonly route: HttpApiRoute;
  readonly method: string;
  readonly segments: ReadonlyArray<{ literal: string } | { param: string; greedy: boolean }>;
  readonly isDefault: boolean;
}

interface RouteMatch {
  readonly compiled: CompiledRoute;
  readonly pathParameters: Record<string, string>;
}

/** The HTTP API payload quota: 10 MB. */
export const HTTP_API_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** API Gateway HTTP APIs accept RSA-signed JWTs only. */
const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512'];
const TEXT_CONTENT_TYPE = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded)|application\/[\w.+-]+\+(json|xml))/i;

/**
 * API Gateway HTTP API emulation: route selection, the JWT authorizer ("Control access to HTTP
 * APIs with JWT authorizers": token with or without `Bearer`, signature against the issuer's
 * JWKS with a matching `kid`, `iss`, `aud` or `client_id` in the audience list, `exp`, `nbf`,
 * `iat`, scopes), and Lambda proxy integration with payload format 2.0.
 */
export async function startHttpApi(opts: HttpApiOptions): Promise<HttpApiServer> {
  const now = opts.now ?? Date.now;
  const apiId = randomBytes(8).toString('hex').slice(0, 10);
  const routes = opts.routes.map(compileRoute);

  async function authorize(req: IncomingMessage, route: HttpApiRoute): Promise<{ claims: JWTPayload } | { status: 401 | 403; description: string }> {
    const header = req.headers['authorization'];
    const raw = (Array.isArray(header) ? header[0] : header)?.trim();
    if (!raw) return { status: 401, description: 'missing authorization token' };
    const token = raw.replace(/^Bearer\s+/i, '');
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, createLocalJWKSet(opts.jwt.jwks()), {
        issuer: opts.jwt.issuer,
        algorithms: JWT_ALGORITHMS,
        currentDate: new Date(now()),
        // "exp – Must be after the current time in UTC": a token without one cannot pass
        // (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return { status: 401, description: error instanceof Error ? error.message : 'invalid token' };
    }
    const nowSeconds = now() / 1000;
    if (typeof claims.iat === 'number' && claims.iat > nowSeconds) return { status: 401, description: 'token issued in the future' };
    const audiences = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const clientId = typeof claims['client_id'] === 'string' ? claims['client_id'] : undefined;
    // Either claim may carry the audience: ID tokens use aud, Cognito access tokens client_id.
    const audienceOk = audiences.some((a) => opts.jwt.audience.includes(a)) || (clientId !== undefined && opts.jwt.audience.includes(clientId));
    if (!audienceOk) return { status: 401, description: 'invalid audience' };
    if (route.authorizationScopes && route.authorizationScopes.length > 0) {
      const scopes = typeof claims['scope'] === 'string' ? claims['scope'].split(' ') : [];
      if (!route.authorizationScopes.some((s) => scopes.includes(s))) return { status: 403, description: 'insufficient scope' };
    }
    return { claims };
  }

  const server = await startHttpServer(async (req, body, res) => {
    const requestId = newRequestId();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQueryString = q < 0 ? '' : url.slice(q + 1);
    const method = (req.method ?? 'GET').toUpperCase();

    const match = selectRoute(routes, method, rawPath);
    if (!match) return sendMessage(res, 404, 'Not Found', requestId);
    const { route } = match.compiled;

    let claims: JWTPayload | undefined;
    if (route.authorize) {
      const outcome = await authorize(req, route);
      if ('status' in outcome) {
        const headers: Record<string, string> = outcome.status === 401 ? { 'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${outcome.description.replace(/"/g, "'")}"` } : {};
        return sendMessage(res, outcome.status, outcome.status === 401 ? 'Unauthorized' : 'Forbidden', requestId, headers);
      }
      claims = outcome.claims;
    }

    const event = buildEvent({ req, body, rawPath, rawQueryString, method, match, claims, requestId, apiId, now: now() });
    let result: unknown;
    try {
      result = await route.handler(event);
    } catch {
      // A failing integration surfaces as a generic 500; the error stays in the function's logs.
      return sendMessage(res, 500, 'Internal Server Error', requestId);
    }
    sendResult(res, result, requestId);
  }, {
    port: opts.port ?? 0,
    now,
    limit: {
      // "Payload size: 10 MB", not adjustable (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html).
      maxBytes: HTTP_API_MAX_PAYLOAD_BYTES,
      tooLarge: (res) => sendMessage(res, 413, 'Request Entity Too Large', newRequestId()),
    },
  });

  return { url: server.url, apiId, close: () => server.close() };
}

function compileRoute(route: HttpApiRoute): CompiledRoute {
  if (route.routeKey === '$default') return { route, method: 'ANY', segments: [], isDefault: true };
  const m = /^(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\/\S*)$/.exec(route.routeKey);
  if (!m || !m[1] || !m[2]) throw new Error(`Invalid route key: ${route.routeKey}`);
  const segments = m[2]
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      const param = /^\{([\w.-]+)(\+)?\}$/.exec(segment);
      return param?.[1] ? { param: param[1], greedy: param[2] === '+' } : { literal: segment };
    });
  return { route, method: m[1], segments, isDefault: false };
}

/**
 * Route selection: the most specific match wins — literal segments over parameters, parameters
 * over greedy paths, a specific method over ANY; `$default` only when nothing else matches.
 */
function selectRoute(routes: readonly CompiledRoute[], method: string, rawPath: string): RouteMatch | undefined {
  let pathSegments: string[];
  try {
    pathSegments = rawPath.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  let best: { match: RouteMatch; score: number[] } | undefined;
  for (const compiled of routes) {
    if (compiled.isDefault || (compiled.method !== 'ANY' && compiled.method !== method)) continue;
    const pathParameters = matchSegments(compiled.segments, pathSegments);
    if (!pathParameters) continue;
    const greedy = compiled.segments.some((s) => 'greedy' in s && s.greedy) ? 0 : 1;
    const literals = compiled.segments.filter((s) => 'literal' in s).length;
    const score = [greedy, literals, compiled.segments.length, compiled.method === 'ANY' ? 0 : 1];
    if (!best || compareScores(score, best.score) > 0) best = { match: { compiled, pathParameters }, score };
  }
  if (best) return best.match;
  const fallback = routes.find((r) => r.isDefault);
  return fallback ? { compiled: fallback, pathParameters: {} } : undefined;
}

function matchSegments(segments: CompiledRoute['segments'], path: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (!segment) return undefined;
    if ('literal' in segment) {
      if (path[i] !== segment.literal) return undefined;
    } else if (segment.greedy) {
      if (i >= path.length) return undefined;
      params[segment.param] = path.slice(i).join('/');
      return params;
    } else {
      const value = path[i];
      if (value === undefined || value === '') return undefined;
      params[segment.param] = value;
    }
  }
  return segments.length === path.length ? params : undefined;
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** API Gateway hands JWT claims to the integration as strings; arrays as `[a b]`. */
function claimStrings(claims: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) out[name] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') out[name] = JSON.stringify(value);
    else out[name] = String(value);
  }
  return out;
}

/** `12/Mar/2020:19:03:58 +0000`, the requestContext.time format. */
function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${months[d.getUTCMonth()] ?? 'Jan'}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** Builds the payload format 2.0 event as API Gateway does for Lambda proxy integrations. */
function buildEvent(input: {
  req: IncomingMessage;
  body: Buffer;
  rawPath: string;
  rawQueryString: string;
  method: string;
  match: RouteMatch;
  claims: JWTPayload | undefined;
  requestId: string;
  apiId: string;
  now: number;
}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { req, body, match } = input;
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const joined = Array.isArray(value) ? value.join(',') : value;
    // Format 2.0 moves cookies to their own field; duplicate headers are comma-joined.
    if (name === 'cookie') cookies = joined.split(/;\s*/).filter(Boolean);
    else headers[name] = joined;
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= String(req.socket.localPort ?? '');
  headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(input.now / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

  let queryStringParameters: Record<string, string> | undefined;
  if (input.rawQueryString !== '') {
    queryStringParameters = {};
    for (const [key, value] of new URLSearchParams(input.rawQueryString)) {
      const existing = queryStringParameters[key];
      queryStringParameters[key] = existing === undefined ? value : `${existing},${value}`;
    }
  }

  const contentType = headers['content-type'] ?? '';
  const isText = TEXT_CONTENT_TYPE.test(contentType);
  const host = headers['host'] ?? `${input.apiId}.execute-api.${SANDBOX_REGION}.amazonaws.com`;
  const routeKey = match.compiled.route.routeKey;
  const scopes = typeof input.claims?.['scope'] === 'string' ? input.claims['scope'].split(' ') : [];

  return {
    version: '2.0',
    routeKey,
    rawPath: input.rawPath,
    rawQueryString: input.rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: SANDBOX_ACCOUNT,
      apiId: input.apiId,
      authorizer: {
        jwt: {
          claims: input.claims ? claimStrings(input.claims) : {},
          // Scopes are reported only for routes that require them; otherwise null.
          scopes: match.compiled.route.authorizationScopes?.length ? scopes : null,
        },
      },
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: { method: input.method, path: input.rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: input.requestId,
      routeKey,
      stage: '$default',
      time: clfTime(input.now),
      timeEpoch: input.now,
    },
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/** API Gateway's request id form (`apigw-requestid`). */
function newRequestId(): string {
  return `${randomBytes(10).toString('base64').replace(/=+$/, '')}=`;
}

function sendMessage(res: ServerResponse, status: number, message: string, requestId: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify({ message });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'apigw-requestid': requestId, ...headers });
  res.end(text);
}

/**
 * Maps a format 2.0 response back to HTTP. A result without `statusCode` is taken as the body
 * of a 200 JSON response, as API Gateway infers it.
 */
function sendResult(res: ServerResponse, result: unknown, requestId: string): void {
  const structured = isStructured(result) ? result : { statusCode: 200, body: typeof result === 'string' ? result : JSON.stringify(result), headers: { 'content-type': 'application/json' } };
  const headers: Record<string, string | string[]> = { 'apigw-requestid': requestId };
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const payload = structured.body === undefined ? Buffer.alloc(0) : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  if (payload.length > 0) headers['content-type'] ??= 'application/json';
  headers['content-length'] = String(payload.length);
  res.writeHead(structured.statusCode ?? 200, headers);
  res.end(payload);
}

function isStructured(result: unknown): result is APIGatewayProxyStructuredResultV2 {
  return typeof result === 'object' && result !== null && typeof (result as { statusCode?: unknown }).statusCode === 'number';
}
