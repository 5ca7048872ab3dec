import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface HttpApiRoute {
  /** `METHOD /path/{param}`, `ANY /path`, `GET /files/{proxy+}` or `$default`. */
  readonly routeKey: string;
  /** Whether the JWT authorizer guards the route. */
  readonly authorize: boolean;
  /** Route authorization scopes; the token's `scope` must hold at least one of them. */
  readonly authorizationScopes?: readonly string[];
  readonly handler: (event: APIGatewayProxyEventV2WithJWTAuthorizer) => Promise<APIGatewayProxyStructuredResultV2>;
}

export interface CompiledRoute {
  readonly route: HttpApiRoute;
  readonly method: string;
  readonly segments: ReadonlyArray<{ literal: string } | { param: string; greedy: boolean }>;
  readonly isDefault: boolean;
}

export interface RouteMatch {
  readonly compiled: CompiledRoute;
  readonly pathParameters: Record<string, string>;
}

export function compileRoute(route: HttpApiRoute): CompiledRoute {
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
export function selectRoute(routes: readonly CompiledRoute[], method: string, rawPath: string): RouteMatch | undefined {
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
