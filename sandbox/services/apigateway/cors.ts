import type { IncomingMessage } from 'node:http';

/** An HTTP API's CORS configuration (`CorsConfiguration` of AWS::ApiGatewayV2::Api), without credentials. */
export interface HttpApiCors {
  /** Exact origins, as a browser sends them in `Origin`. */
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  /** Sent as `access-control-expose-headers` on answers other than preflights. Default: none. */
  readonly exposeHeaders?: readonly string[];
  /** `access-control-max-age` of preflight answers. Default: none sent. */
  readonly maxAgeSeconds?: number;
}

// "Configure CORS for HTTP APIs in API Gateway"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html).

/**
 * Whether API Gateway answers the request itself: "To return CORS headers, your request must
 * contain an origin header. For the OPTIONS method, your request must contain an origin header and
 * an Access-Control-Request-Method header." Any other OPTIONS goes to route selection.
 */
export function isPreflight(cors: HttpApiCors | undefined, method: string, req: IncomingMessage): cors is HttpApiCors {
  return cors !== undefined && method === 'OPTIONS' && typeof req.headers.origin === 'string' && typeof req.headers['access-control-request-method'] === 'string';
}

/**
 * The preflight answer's CORS headers: the configured lists, whatever the request asks for (the
 * browser compares them). An origin not allowed gets none, and so is refused by the browser.
 */
export function preflightHeaders(cors: HttpApiCors, req: IncomingMessage): Record<string, string> {
  const allowOrigin = allowedOrigin(cors, req);
  if (!allowOrigin) return {};
  return {
    ...allowOrigin,
    'access-control-allow-methods': cors.allowMethods.join(','),
    'access-control-allow-headers': cors.allowHeaders.join(','),
    ...(cors.maxAgeSeconds !== undefined ? { 'access-control-max-age': String(cors.maxAgeSeconds) } : {}),
  };
}

/**
 * What API Gateway adds to any other answer (the integration's, and its own 401/403/404/500) for an
 * allowed origin: the origin, and the exposed headers when configured. `vary: origin` because the answer differs by origin (Fetch standard,
 * CORS protocol and HTTP caches).
 */
export function responseCorsHeaders(cors: HttpApiCors | undefined, req: IncomingMessage): Record<string, string> {
  const allowOrigin = cors ? allowedOrigin(cors, req) : undefined;
  if (!cors || !allowOrigin) return {};
  return { ...allowOrigin, ...(cors.exposeHeaders?.length ? { 'access-control-expose-headers': cors.exposeHeaders.join(',') } : {}) };
}

/**
 * The integration's headers as API Gateway answers them: with CORS configured, it "ignores CORS
 * headers returned from your backend integration" and sets its own (`added`, keeping the
 * integration's other `vary` entries).
 */
export function withGatewayCors(cors: HttpApiCors | undefined, added: Record<string, string>, headers: Record<string, string>): Record<string, string> {
  if (!cors) return headers;
  const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('access-control-')));
  const merged = { ...kept, ...added };
  if (kept.vary && added.vary) merged.vary = `${kept.vary}, ${added.vary}`;
  return merged;
}

function allowedOrigin(cors: HttpApiCors, req: IncomingMessage): Record<string, string> | undefined {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || !cors.allowOrigins.includes(origin)) return undefined;
  return { 'access-control-allow-origin': origin, vary: 'origin' };
}
