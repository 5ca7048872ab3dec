import { ApiRoutes } from './routes';

/**
 * The command API's CORS policy, used by lib/ (the HTTP API's `corsPreflight`) and by the
 * sandbox's HTTP API alike. The allowed origins are the deployment's; everything else is fixed here.
 */
export const ApiCors = {
  /** What the app sends: its bearer ID token and a JSON body. */
  allowHeaders: ['authorization', 'content-type'],
  /**
   * Answer headers a page may read besides the CORS-safelisted ones: `retry-after` of 409/429
   * answers, so the app can say when to retry (`ExposeHeaders` of the HTTP API's CORS
   * configuration, https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid.html#apis-apiid-model-cors).
   */
  exposeHeaders: ['retry-after'],
  /** How long a browser may cache a preflight answer. */
  maxAgeSeconds: 600,
} as const;

/** The methods the routes use (functions/shared/routes.ts), sorted: the preflight's allowed methods. */
export function corsAllowMethods(): string[] {
  return [...new Set(Object.values(ApiRoutes).map((routeKey) => routeKey.split(' ')[0] as string))].sort();
}

/**
 * Why `origin` cannot be an allowed origin, or undefined when it can. An origin is what a browser
 * sends in `Origin`: `http(s)://host[:port]`, lowercase host, no default port, no path, no slash.
 *
 * `*` and wildcards are refused although API Gateway accepts them: the API takes bearer tokens from
 * the browser of one app, and the app client id is public, so any page could sign a user in with it
 * and call the API from its own origin; naming the app's origins keeps other sites' scripts out
 * (clients outside a browser are not subject to CORS either way).
 */
export function corsOriginProblem(origin: string): string | undefined {
  if (origin.includes('*')) return 'wildcards are refused: name the app\'s origins (the API takes bearer tokens from one app\'s browser pages)';
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return 'expected scheme://host[:port]';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'expected an http or https origin';
  // A browser's Origin is the URL's serialized origin: anything else (a path, a trailing slash,
  // an uppercase host, :443 on https) would never match it.
  if (url.origin !== origin) return `expected scheme://host[:port] with no path, as a browser sends it (${url.origin})`;
  return undefined;
}

/** Checks every origin; throws naming the first bad one (`what` says where it came from). */
export function assertCorsOrigins(origins: readonly string[], what: string): void {
  for (const origin of origins) {
    const problem = corsOriginProblem(origin);
    if (problem) throw new Error(`${what} "${origin}" is not an allowed origin: ${problem}`);
  }
}
