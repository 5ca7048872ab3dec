import { randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { startHttpServer } from '../../wire/http';
import { isPreflight, preflightHeaders, responseCorsHeaders, withGatewayCors, type HttpApiCors } from './cors';
import { authorize, type JwtAuthorizerConfig } from './jwt-authorizer';
import { buildEvent } from './proxy-event';
import { newRequestId, sendEmpty, sendMessage, sendResult } from './responses';
import { compileRoute, selectRoute, type HttpApiRoute } from './routes';

export type { HttpApiRoute } from './routes';
export type { HttpApiCors } from './cors';

export interface HttpApiOptions {
  readonly port?: number;
  readonly routes: readonly HttpApiRoute[];
  /** The JWT authorizer's configuration: issuer, audience list and the issuer's key set. */
  readonly jwt: JwtAuthorizerConfig;
  readonly now?: () => number;
  /** The API's CORS configuration (cors.ts). Default none: OPTIONS is routed like any method. */
  readonly cors?: HttpApiCors;
}

export interface HttpApiServer {
  readonly url: string;
  /** The generated API id (as in `<apiId>.execute-api.<region>.amazonaws.com`). */
  readonly apiId: string;
  close(): Promise<void>;
}

/** The HTTP API payload quota: 10 MB. */
export const HTTP_API_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/**
 * API Gateway HTTP API emulation: CORS (cors.ts), route selection (routes.ts), the JWT authorizer
 * (jwt-authorizer.ts), and Lambda proxy integration with payload format 2.0 (proxy-event.ts,
 * responses.ts).
 */
export async function startHttpApi(opts: HttpApiOptions): Promise<HttpApiServer> {
  const now = opts.now ?? Date.now;
  const apiId = randomBytes(8).toString('hex').slice(0, 10);
  const routes = opts.routes.map(compileRoute);

  const server = await startHttpServer(async (req, body, res) => {
    const requestId = newRequestId();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQueryString = q < 0 ? '' : url.slice(q + 1);
    const method = (req.method ?? 'GET').toUpperCase();
    // A configured API answers preflights itself, "even if there isn't an OPTIONS route", before
    // route selection and so before any authorizer or integration (cors.ts).
    if (isPreflight(opts.cors, method, req)) return sendEmpty(res, 204, requestId, preflightHeaders(opts.cors, req));
    const cors = responseCorsHeaders(opts.cors, req);

    const match = selectRoute(routes, method, rawPath);
    if (!match) return sendMessage(res, 404, 'Not Found', requestId, cors);
    const { route } = match.compiled;

    let claims: JWTPayload | undefined;
    if (route.authorize) {
      const outcome = await authorize(req, route, opts.jwt, now);
      if ('status' in outcome) {
        const headers: Record<string, string> = outcome.status === 401 ? { ...cors, 'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${outcome.description.replace(/"/g, "'")}"` } : cors;
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
      return sendMessage(res, 500, 'Internal Server Error', requestId, cors);
    }
    sendResult(res, result, requestId, (headers) => withGatewayCors(opts.cors, cors, headers));
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

