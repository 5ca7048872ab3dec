import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';

/** A public RSA signing key as JWKS endpoints list it; assignable to jose's and aws-jwt-verify's JWKS types. */
// Type aliases, not interfaces: aws-jwt-verify's Jwk type requires an implicit index signature.
export type PublicRsaJwk = {
  readonly kty: 'RSA';
  readonly alg: 'RS256';
  readonly use: 'sig';
  readonly kid: string;
  readonly n: string;
  readonly e: string;
};

export type PublicJwks = {
  keys: PublicRsaJwk[];
};

/**
 * One RS256 signing key with its public JWKS, as Cognito keeps one per user pool (and Cognito
 * identity one for its OpenID tokens). Keys are generated synchronously so pools and identity
 * pools can be created without awaiting.
 */
export class RsaTokenSigner {
  readonly kid = randomUUID();
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(private readonly now: () => number = Date.now) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** The public key as a JWK with `kid`, `alg` and `use`, as Cognito's jwks.json lists it. */
  jwk(): PublicRsaJwk {
    const { n, e } = this.publicKey.export({ format: 'jwk' });
    if (typeof n !== 'string' || typeof e !== 'string') throw new Error('RSA public key export lacks n or e');
    return { kty: 'RSA', alg: 'RS256', use: 'sig', kid: this.kid, n, e };
  }

  jwks(): PublicJwks {
    return { keys: [this.jwk()] };
  }

  /** Signs a claim set; the header carries only `kid` and `alg`, like Cognito's tokens. */
  sign(claims: JWTPayload): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ kid: this.kid, alg: 'RS256' }).sign(this.privateKey);
  }

  /** Verifies signature, issuer, optional audience and time claims against the injected clock. */
  async verify(token: string, opts: { issuer: string; audience?: string }): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.publicKey, {
      algorithms: ['RS256'],
      issuer: opts.issuer,
      ...(opts.audience === undefined ? {} : { audience: opts.audience }),
      currentDate: new Date(this.now()),
    });
    return payload;
  }
}

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
