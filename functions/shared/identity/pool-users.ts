import { ListUsersCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { toUpstreamError } from '../aws/classify';

export interface PoolUser {
  readonly username: string;
  readonly enabled: boolean;
  readonly status: string;
  readonly attributes: ReadonlyMap<string, string>;
}

/**
 * The user whose `sub` this is, or undefined when the pool has none (deleted, or never existed).
 * `sub` is a searchable attribute of ListUsers' Filter, exact match with `=`:
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsers.html
 */
export async function findUserBySub(
  idp: Pick<CognitoIdentityProviderClient, 'send'>,
  userPoolId: string,
  sub: string,
): Promise<PoolUser | undefined> {
  // The filter value is quoted: a sub is a uuid, so it cannot break out of the quotes.
  let out;
  try {
    out = await idp.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter: `sub = "${sub}"`, Limit: 1 }));
  } catch (error) {
    throw toUpstreamError('ListUsers', error);
  }
  const user = out.Users?.[0];
  if (!user?.Username) return undefined;
  const attributes = new Map((user.Attributes ?? []).map((a) => [a.Name ?? '', a.Value ?? '']));
  // ListUsers matches `sub` exactly; a user whose sub differs is not this user.
  if (attributes.get('sub') !== undefined && attributes.get('sub') !== sub) return undefined;
  return { username: user.Username, enabled: user.Enabled !== false, status: user.UserStatus ?? 'UNKNOWN', attributes };
}
