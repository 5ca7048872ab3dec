import { ListUsersCommand, type CognitoIdentityProviderClient, type UserType } from '@aws-sdk/client-cognito-identity-provider';
import { classifyAwsError } from '../../functions/shared/aws/classify';
import { errorMessage, errorName } from '../../functions/shared/aws/error-name';
import { retryThrottled, type ThrottleRetryOptions } from '../../functions/shared/aws/pacing';
import { ATTRIBUTES_READ } from './classify';

export const isThrottled = (error: unknown) => classifyAwsError(error) === 'throttled';

/** Cognito refused the PaginationToken it once gave (it expires; "Paging marker … is invalid for request"). */
export class StalePaginationTokenError extends Error {
  constructor(readonly detail: string) {
    super(`Cognito refused the pagination token: ${detail}`);
    this.name = 'StalePaginationTokenError';
  }
}

/**
 * One ListUsers page (category UserList, 30 RPS per account), throttling retried with backoff.
 * A page may hold fewer users than Limit and still have a next one: only a missing
 * PaginationToken ends the listing (ListUsers API).
 */
export async function listUsersPage(
  idp: Pick<CognitoIdentityProviderClient, 'send'>,
  request: { userPoolId: string; pageSize: number; token?: string | undefined },
  retry: ThrottleRetryOptions,
): Promise<{ users: UserType[]; nextToken?: string }> {
  const command = new ListUsersCommand({
    UserPoolId: request.userPoolId,
    Limit: request.pageSize,
    AttributesToGet: ATTRIBUTES_READ,
    ...(request.token ? { PaginationToken: request.token } : {}),
  });
  try {
    const out = await retryThrottled(() => idp.send(command), isThrottled, retry);
    return { users: out.Users ?? [], ...(out.PaginationToken ? { nextToken: out.PaginationToken } : {}) };
  } catch (error) {
    // With a token, the token is the only parameter that changes between calls.
    if (request.token && errorName(error) === 'InvalidParameterException') throw new StalePaginationTokenError(errorMessage(error));
    throw error;
  }
}
