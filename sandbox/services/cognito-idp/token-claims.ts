import { randomUUID } from 'node:crypto';
import type { RsaTokenSigner } from '../../wire/token-signer';

/** What a user-pool token is issued for: the user's readable attributes at issue time. */
export interface UserTokenSubject {
  readonly username: string;
  readonly sub: string;
  /** Readable attributes (standard and `custom:*`), as stored. */
  readonly attributes: ReadonlyMap<string, string>;
}

export interface UserPoolTokens {
  readonly idToken: string;
  readonly accessToken: string;
}

/** Cognito puts these attributes into ID tokens as JSON booleans, not strings. */
const BOOLEAN_CLAIMS = new Set(['email_verified', 'phone_number_verified']);
/** `updated_at` is a number in ID tokens (OIDC standard claim). */
const NUMERIC_CLAIMS = new Set(['updated_at']);

/**
 * Issues an ID and an access token with the claim sets Cognito user pools issue
 * ("Understanding user pool JSON web tokens": ID token — sub, aud, iss, token_use 'id',
 * cognito:username, auth_time, event_id, origin_jti, jti, attributes; access token — sub,
 * client_id, token_use 'access', scope 'aws.cognito.signin.user.admin', username, ...).
 */
export async function issueUserPoolTokens(
  signer: RsaTokenSigner,
  opts: { issuer: string; clientId: string; subject: UserTokenSubject; authTime: number; issuedAt: number; lifetimeSeconds: number; originJti?: string },
): Promise<UserPoolTokens> {
  const iat = Math.floor(opts.issuedAt / 1000);
  const exp = iat + opts.lifetimeSeconds;
  const originJti = opts.originJti ?? randomUUID();
  const eventId = randomUUID();
  const attributeClaims: Record<string, string | number | boolean> = {};
  for (const [name, value] of opts.subject.attributes) {
    if (name === 'sub') continue;
    if (BOOLEAN_CLAIMS.has(name)) attributeClaims[name] = value === 'true';
    else if (NUMERIC_CLAIMS.has(name) && /^\d+$/.test(value)) attributeClaims[name] = Number(value);
    else attributeClaims[name] = value;
  }
  const idToken = await signer.sign({
    sub: opts.subject.sub,
    ...attributeClaims,
    iss: opts.issuer,
    'cognito:username': opts.subject.username,
    origin_jti: originJti,
    aud: opts.clientId,
    event_id: eventId,
    token_use: 'id',
    auth_time: opts.authTime,
    exp,
    iat,
    jti: randomUUID(),
  });
  const accessToken = await signer.sign({
    sub: opts.subject.sub,
    iss: opts.issuer,
    client_id: opts.clientId,
    origin_jti: originJti,
    event_id: eventId,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: opts.authTime,
    exp,
    iat,
    jti: randomUUID(),
    username: opts.subject.username,
  });
  return { idToken, accessToken };
}
