import { createHmac, timingSafeEqual } from 'node:crypto';
import { AwsServiceError } from '../../wire/http';
import { notAuthorized } from './errors';
import type { AppClientRecord, UserRecord } from './state';

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

/** The default password policy: at least 8 characters with upper case, lower case and digits. */
export function checkPasswordPolicy(password: string): void {
  const problem =
    password.length < 8 ? 'Password not long enough'
    : !/[A-Z]/.test(password) ? 'Password must have uppercase characters'
    : !/[a-z]/.test(password) ? 'Password must have lowercase characters'
    : !/[0-9]/.test(password) ? 'Password must have numeric characters'
    : undefined;
  if (problem) throw new AwsServiceError(400, 'InvalidPasswordException', `Password did not conform with policy: ${problem}`);
}

export function passwordMatches(user: UserRecord, password: string): boolean {
  const a = Buffer.from(user.password);
  const b = Buffer.from(password);
  return a.length === b.length && timingSafeEqual(a, b);
}
