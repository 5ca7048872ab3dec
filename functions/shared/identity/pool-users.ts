import { AdminGetUserCommand, ListUsersCommand, type AttributeType, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { classifyAwsError, toUpstreamError } from '../aws/classify';

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
  return poolUser(user.Username, user.Enabled, user.UserStatus, user.Attributes, sub);
}

/**
 * The user of this name if its `sub` is still `sub` (category UserRead, 120 RPS, instead of
 * ListUsers' 30), or undefined when the pool has no such user (deleted, or the name was reused).
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminGetUser.html
 */
export async function getUserByName(
  idp: Pick<CognitoIdentityProviderClient, 'send'>,
  userPoolId: string,
  username: string,
  sub: string,
): Promise<PoolUser | undefined> {
  let out;
  try {
    out = await idp.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  } catch (error) {
    if (classifyAwsError(error) === 'notFound') return undefined;
    throw toUpstreamError('AdminGetUser', error);
  }
  return poolUser(out.Username ?? username, out.Enabled, out.UserStatus, out.UserAttributes, sub);
}

function poolUser(username: string, enabled: boolean | undefined, status: string | undefined, list: AttributeType[] | undefined, sub: string): PoolUser | undefined {
  const attributes = new Map((list ?? []).map((a) => [a.Name ?? '', a.Value ?? '']));
  // A user whose sub differs is not this user.
  if (attributes.get('sub') !== undefined && attributes.get('sub') !== sub) return undefined;
  return { username, enabled: enabled !== false, status: status ?? 'UNKNOWN', attributes };
}
