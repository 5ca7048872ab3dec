import { namedError } from '../aws/errors';

/**
 * Named outcomes of the device-ownership core (design section 8). The names are a contract: the
 * API maps them to its codes, the admin CLI prints them, and the offboarding workflow's ASL
 * matches them. None of them carries another user's identity.
 */
export const DeviceErrorNames = {
  DeviceNotFound: 'DeviceNotFound',
  InvalidClaimCode: 'InvalidClaimCode',
  AlreadyClaimed: 'AlreadyClaimed',
  ClaimContended: 'ClaimContended',
  ClaimRateLimited: 'ClaimRateLimited',
} as const;

/** No such device, or (to anyone but its owner) not yours: the same answer, so nothing leaks. */
export class DeviceNotFoundError extends namedError(DeviceErrorNames.DeviceNotFound) {}

/** The claim code does not match the device's. */
export class InvalidClaimCodeError extends namedError(DeviceErrorNames.InvalidClaimCode) {}

/** The device already has an owner (never says who). */
export class AlreadyClaimedError extends namedError(DeviceErrorNames.AlreadyClaimed) {}

/** The registry kept changing under a claim or release (expectedVersion lost every attempt). */
export class ClaimContendedError extends namedError(DeviceErrorNames.ClaimContended) {}

/** Too many wrong claim codes for this device lately (claim-guard.ts); try again after `retryAfterSeconds`. */
export class ClaimRateLimitedError extends namedError(DeviceErrorNames.ClaimRateLimited) {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}
