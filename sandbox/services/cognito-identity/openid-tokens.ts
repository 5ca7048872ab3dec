import { errors as joseErrors, type JWTPayload } from 'jose';
import type { RsaTokenSigner } from '../../wire/token-signer';
import { notAuthorized } from './errors';
import type { IdentityPoolRecord, IdentityRecord } from './state';

/** The issuer of the OpenID tokens Cognito identity issues. */
export const COGNITO_IDENTITY_ISSUER = 'https://cognito-identity.amazonaws.com';

/** Signs the OpenID token of an identity, with the claims Cognito identity puts in it. */
export async function signOpenIdToken(signer: RsaTokenSigner, p: IdentityPoolRecord, record: IdentityRecord, userIdentifier: string, opts: { now: number; durationSeconds: number }) {
  const iat = Math.floor(opts.now / 1000);
  return signer.sign({
    iss: COGNITO_IDENTITY_ISSUER,
    sub: record.identityId,
    aud: p.id,
    amr: ['authenticated', p.developerProviderName, `${p.developerProviderName}:${p.id}:${userIdentifier}`],
    iat,
    exp: iat + opts.durationSeconds,
  });
}

export async function verifyOpenIdToken(signer: RsaTokenSigner, token: string, expected: IdentityRecord, now: number): Promise<JWTPayload> {
  let claims: JWTPayload;
  try {
    claims = await signer.verify(token, { issuer: COGNITO_IDENTITY_ISSUER });
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      throw notAuthorized(`Invalid login token. Token expired: ${String(error.payload.exp)} >= ${Math.floor(now / 1000)}`);
    }
    if (error instanceof joseErrors.JWTClaimValidationFailed) throw notAuthorized(`Invalid login token. Incorrect token ${error.claim}.`);
    throw notAuthorized('Invalid login token. Token signature invalid.');
  }
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(expected.poolId)) throw notAuthorized('Invalid login token. Incorrect token audience.');
  if (claims.sub !== expected.identityId) throw notAuthorized('Invalid login token. Token subject does not match the identity.');
  return claims;
}
