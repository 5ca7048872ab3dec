import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { JWTPayload } from 'jose';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';
import type { RouteMatch } from './routes';

const TEXT_CONTENT_TYPE = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded)|application\/[\w.+-]+\+(json|xml))/i;

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
export function buildEvent(input: {
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
