import type { IncomingMessage } from 'node:http';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import type { HttpApiRoute } from './routes';

/** The JWT authorizer's configuration: issuer, audience list and the issuer's key set. */
export interface JwtAuthorizerConfig {
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly jwks: () => JSONWebKeySet;
}

/** API Gateway HTTP APIs accept RSA-signed JWTs only. */
const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512'];

/**
 * The JWT authorizer ("Control access to HTTP APIs with JWT authorizers": token with or without
 * `Bearer`, signature against the issuer's JWKS with a matching `kid`, `iss`, `aud` or `client_id`
 * in the audience list, `exp`, `nbf`, `iat`, scopes): the claims, or the status that refuses.
 */
export async function authorize(
  req: IncomingMessage,
  route: HttpApiRoute,
  jwt: JwtAuthorizerConfig,
  now: () => number,
): Promise<{ claims: JWTPayload } | { status: 401 | 403; description: string }> {
  const header = req.headers['authorization'];
  const raw = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!raw) return { status: 401, description: 'missing authorization token' };
  const token = raw.replace(/^Bearer\s+/i, '');
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, createLocalJWKSet(jwt.jwks()), {
      issuer: jwt.issuer,
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
  const audienceOk = audiences.some((a) => jwt.audience.includes(a)) || (clientId !== undefined && jwt.audience.includes(clientId));
  if (!audienceOk) return { status: 401, description: 'invalid audience' };
  if (route.authorizationScopes && route.authorizationScopes.length > 0) {
    const scopes = typeof claims['scope'] === 'string' ? claims['scope'].split(' ') : [];
    if (!route.authorizationScopes.some((s) => scopes.includes(s))) return { status: 403, description: 'insufficient scope' };
  }
  return { claims };
}
