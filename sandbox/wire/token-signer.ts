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
