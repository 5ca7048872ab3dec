import { epochSeconds, invalidParameter, optionalString, requireString, stringMap, type JsonOperation } from '../../wire/json-target';
import type { IdentityContext } from './context';
import { notAuthorized } from './errors';
import { verifyOpenIdToken } from './openid-tokens';

/** The Logins key GetCredentialsForIdentity takes OpenID tokens under. */
const OPENID_LOGIN_KEY = 'cognito-identity.amazonaws.com';
/** Credentials from GetCredentialsForIdentity last one hour. */
const CREDENTIALS_LIFETIME_MS = 3_600_000;

async function getCredentialsForIdentity(ctx: IdentityContext, input: Record<string, unknown>) {
  // A deleted identity is ResourceNotFoundException here, so its OpenID tokens buy no more credentials.
  const record = ctx.state.identity(requireString(input, 'IdentityId'));
  const p = ctx.state.pool(record.poolId);
  const logins = stringMap(input, 'Logins') ?? {};
  if (Object.keys(logins).length === 0) throw notAuthorized('Unauthenticated access is not supported for this identity pool.');
  const token = logins[OPENID_LOGIN_KEY];
  if (token === undefined) throw notAuthorized("Logins don't match. Please include at least one valid login for this identity or identity pool.");
  const customRole = optionalString(input, 'CustomRoleArn');
  if (customRole !== undefined && customRole !== p.authenticatedRoleArn) {
    throw invalidParameter('CustomRoleArn requires a role-mapping rule; this identity pool has none.');
  }
  await verifyOpenIdToken(ctx.signer, token, record, ctx.now());
  const issued = ctx.store.issueForIdentity(record.identityId, p.authenticatedRoleArn, CREDENTIALS_LIFETIME_MS);
  return {
    IdentityId: record.identityId,
    Credentials: {
      AccessKeyId: issued.accessKeyId,
      SecretKey: issued.secretAccessKey,
      SessionToken: issued.sessionToken,
      Expiration: epochSeconds(issued.expiration.getTime()),
    },
  };
}

/** The unsigned operations a client calls: GetCredentialsForIdentity and GetId. */
export function credentialOperations(ctx: IdentityContext): Record<string, JsonOperation> {
  return {
    GetCredentialsForIdentity: (input) => getCredentialsForIdentity(ctx, input),
    GetId: (input) => {
      const p = ctx.state.pool(requireString(input, 'IdentityPoolId'));
      const providers = Object.keys(stringMap(input, 'Logins') ?? {});
      if (providers.length === 0) throw notAuthorized('Unauthenticated access is not supported for this identity pool.');
      // The design's pool has no user-pool (or other token) provider: identities come only from the
      // backend's developer-authenticated flow, so a GetId login would create a policy-less identity.
      throw notAuthorized(
        `Token is not from a supported provider of this identity pool. Identity pool ${p.id} has no provider '${providers.join("', '")}'; ` +
          `its identities are developer-authenticated ('${p.developerProviderName}') and are resolved by the backend.`,
      );
    },
  };
}
