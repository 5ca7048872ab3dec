import { createHmac, timingSafeEqual } from 'node:crypto';
import { AwsServiceError } from '../../wire/http';
import { notAuthorized } from './errors';
import type { EffectivePasswordPolicy } from './pool-settings';
import { randomString, type AppClientRecord, type UserRecord } from './state';

/**
 * SECRET_HASH = Base64(HMAC_SHA256(key = client secret, message = username + client id))
 * ("Computing secret hash values", Cognito developer guide).
 */
export function checkSecretHash(client: AppClientRecord, usernames: readonly string[], secretHash: string | undefined): void {
  if (client.clientSecret === undefined) return;
  if (secretHash === undefined) throw notAuthorized(`Client ${client.clientId} is configured with secret but SECRET_HASH was not received`);
  const given = Buffer.from(secretHash);
  const matches = usernames.some((username) => {
    const expected = Buffer.from(createHmac('sha256', client.clientSecret ?? '').update(username + client.clientId).digest('base64'));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!matches) throw notAuthorized(`Unable to verify secret hash for client ${client.clientId}`);
}

/** The special characters Cognito counts as symbols; "The space character is also treated as a special character" (developer guide, password requirements). */
const SYMBOL = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/;

/** Checks a new password against the pool's password policy (InvalidPasswordException). */
export function checkPasswordPolicy(policy: EffectivePasswordPolicy, password: string): void {
  const problem =
    password.length < policy.MinimumLength ? 'Password not long enough'
    : policy.RequireUppercase && !/[A-Z]/.test(password) ? 'Password must have uppercase characters'
    : policy.RequireLowercase && !/[a-z]/.test(password) ? 'Password must have lowercase characters'
    : policy.RequireNumbers && !/[0-9]/.test(password) ? 'Password must have numeric characters'
    : policy.RequireSymbols && !SYMBOL.test(password) ? 'Password must have symbol characters'
    : undefined;
  if (problem) throw new AwsServiceError(400, 'InvalidPasswordException', `Password did not conform with policy: ${problem}`);
}

/** A temporary password AdminCreateUser generates: it meets any policy the pool can have. */
export function temporaryPassword(policy: EffectivePasswordPolicy): string {
  return `Tmp${randomString('alnum', Math.max(policy.MinimumLength, 12) - 6)}1a!`;
}

export function passwordMatches(user: UserRecord, password: string): boolean {
  const a = Buffer.from(user.password);
  const b = Buffer.from(password);
  return a.length === b.length && timingSafeEqual(a, b);
}
