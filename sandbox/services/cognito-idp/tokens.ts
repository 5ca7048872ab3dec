import { randomBytes, randomUUID } from 'node:crypto';
import { decodeJwt, errors as joseErrors, type JWTPayload } from 'jose';
import { isReadable } from './attributes';
import type { IdpContext } from './context';
import { USER_DISABLED, notAuthorized, userNotFound } from './errors';
import type { AppClientRecord, IdpState, PoolRecord, RefreshGrant, UserRecord } from './state';
import { issueUserPoolTokens } from './token-claims';

/** Issues ID and access tokens (and, for a sign-in, a refresh token) as `AuthenticationResult`. */
export async function authenticationResult(ctx: IdpContext, p: PoolRecord, client: AppClientRecord, user: UserRecord, grant?: RefreshGrant) {
  const issuedAt = ctx.now();
  const authTime = grant?.authTime ?? Math.floor(issuedAt / 1000);
  const originJti = grant?.originJti ?? randomUUID();
  const readable = new Map([...user.attributes].filter(([name]) => isReadable(client, name)));
  const lifetime = ctx.tokenLifetimeSeconds;
  const tokens = await issueUserPoolTokens(p.signer, {
    issuer: p.issuer,
    clientId: client.clientId,
    subject: { username: user.username, sub: user.sub, attributes: readable },
    authTime,
    issuedAt,
    lifetimeSeconds: lifetime,
    originJti,
  });
  const accessJti = decodeJwt(tokens.accessToken).jti;
  if (accessJti) ctx.state.recordAccessToken(user.sub, accessJti, originJti);
  const result: Record<string, unknown> = { AccessToken: tokens.accessToken, ExpiresIn: lifetime, TokenType: 'Bearer', IdToken: tokens.idToken };
  if (!grant) {
    const refreshToken = randomBytes(96).toString('base64url');
    ctx.state.refreshGrants.set(refreshToken, { poolId: p.id, username: user.username, sub: user.sub, clientId: client.clientId, authTime, originJti });
    result['RefreshToken'] = refreshToken;
  }
  return { AuthenticationResult: result, ChallengeParameters: {} };
}

async function verifiedAccessClaims(state: IdpState, accessToken: string): Promise<{ pool: PoolRecord; claims: JWTPayload }> {
  let issuer: unknown;
  try {
    issuer = decodeJwt(accessToken).iss;
  } catch {
    throw notAuthorized('Invalid Access Token');
  }
  const p = [...state.pools.values()].find((candidate) => candidate.issuer === issuer);
  if (!p) throw notAuthorized('Invalid Access Token');
  try {
    return { pool: p, claims: await p.signer.verify(accessToken, { issuer: p.issuer }) };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw notAuthorized('Access Token has expired');
    throw notAuthorized('Invalid Access Token');
  }
}

/**
 * The user an access token belongs to (GetUser, UpdateUserAttributes, DeleteUser). Tokens revoked
 * by AdminDisableUser, DeleteUser or AdminDeleteUser are refused with NotAuthorizedException
 * "Access Token has been revoked".
 */
export async function accessTokenUser(state: IdpState, accessToken: string): Promise<{ pool: PoolRecord; client: AppClientRecord; user: UserRecord }> {
  const { pool: p, claims } = await verifiedAccessClaims(state, accessToken);
  if (claims['token_use'] !== 'access' || typeof claims['username'] !== 'string' || typeof claims['client_id'] !== 'string') {
    throw notAuthorized('Invalid Access Token');
  }
  if (typeof claims.jti === 'string' && state.isRevoked(claims.jti)) throw notAuthorized('Access Token has been revoked');
  const client = p.clients.get(claims['client_id']);
  const user = p.users.get(claims['username']);
  if (!client) throw notAuthorized('Invalid Access Token');
  if (!user || user.sub !== claims.sub) throw userNotFound();
  if (!user.enabled) throw notAuthorized(USER_DISABLED);
  return { pool: p, client, user };
}
