import { isClaimCodeShaped } from '../../shared/devices/claim-code';
import { CLAIM_GUARD, type CallerClaimLimiter } from '../../shared/devices/claim-guard';
import { DeviceErrorNames, type ClaimRateLimitedError } from '../../shared/devices/errors';
import { claimDevice, releaseDevice, type OwnershipDeps } from '../../shared/devices/ownership';
import { listOwnedThings } from '../../shared/devices/registry';
import { ErrorNames } from '../../shared/aws/errors';
import { ApiError } from './api-errors';
import type { OwnershipCache } from './ownership-cache';

/** What the device routes need besides the caller's access. */
export interface DeviceRouteDeps {
  readonly registry: OwnershipDeps;
  readonly ownership: Pick<OwnershipCache, 'owns' | 'remember' | 'forget'>;
  /** Failed claims per caller in this warm instance (claim-guard.ts). */
  readonly claimLimiter: Pick<CallerClaimLimiter, 'lockedForSeconds' | 'recordFailure'>;
}

/** GET /devices: the caller's devices (ListThings by the `owner` attribute). */
export async function listDevices(deps: DeviceRouteDeps, identityId: string) {
  const names = await listOwnedThings(deps.registry.iot, identityId).catch(rethrowAsApiError);
  return { devices: names.sort().map((thingName) => ({ thingName })) };
}

/** POST /devices/{thingName}/claim with `{"claimCode": "..."}`. */
export async function claim(deps: DeviceRouteDeps, thingName: string, identityId: string, body: unknown) {
  const code = (body as { claimCode?: unknown } | null)?.claimCode;
  if (typeof code !== 'string' || code === '') throw new ApiError('InvalidClaimRequest', 'The body must be {"claimCode": "<the code on the device>"}');
  const lockedFor = deps.claimLimiter.lockedForSeconds(identityId);
  if (lockedFor !== undefined) throw tooManyClaims(lockedFor, `you sent ${CLAIM_GUARD.failures} wrong claim codes`);
  try {
    // A malformed code is as wrong as a well-formed wrong one, and costs no registry call.
    if (!isClaimCodeShaped(code)) throw new ApiError('InvalidClaimCode', 'The claim code does not match this device');
    await claimDevice(deps.registry, thingName, identityId, code).catch(rethrowAsApiError);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'InvalidClaimCode') deps.claimLimiter.recordFailure(identityId);
    throw error;
  }
  deps.ownership.remember(thingName, identityId);
  return { thingName, claimed: true };
}

function tooManyClaims(retryAfterSeconds: number, who: string, cause?: unknown): ApiError {
  return new ApiError('ClaimRateLimited', `Too many wrong claim codes: ${who} in the last ${CLAIM_GUARD.windowSeconds} s; retry after ${retryAfterSeconds} s`, {
    retryAfterSeconds,
    cause,
  });
}

/** DELETE /devices/{thingName}/claim: only the owner releases; to anyone else it does not exist. */
export async function release(deps: DeviceRouteDeps, thingName: string, identityId: string) {
  deps.ownership.forget(thingName);
  await releaseDevice(deps.registry, thingName, identityId).catch(rethrowAsApiError);
  return { thingName, released: true };
}

/** The ownership check of the command path: not yours, unknown and unclaimed are all 404. */
export async function assertOwner(deps: DeviceRouteDeps, thingName: string, identityId: string): Promise<void> {
  const owns = await deps.ownership.owns(thingName, identityId).catch(rethrowAsApiError);
  if (!owns) throw new ApiError('DeviceNotFound', `You have no device ${thingName}`);
}

/** Maps the ownership core's named errors to API codes; messages never name another user. */
function rethrowAsApiError(error: unknown): never {
  const name = (error as { name?: unknown }).name;
  switch (name) {
    case DeviceErrorNames.DeviceNotFound:
      throw new ApiError('DeviceNotFound', 'No such device of yours', { cause: error });
    case DeviceErrorNames.InvalidClaimCode:
      throw new ApiError('InvalidClaimCode', 'The claim code does not match this device', { cause: error });
    case DeviceErrorNames.AlreadyClaimed:
      throw new ApiError('AlreadyClaimed', 'This device already has an owner; they must release it first', { cause: error });
    case DeviceErrorNames.ClaimRateLimited:
      throw tooManyClaims((error as ClaimRateLimitedError).retryAfterSeconds, `this device received ${CLAIM_GUARD.failures} wrong claim codes`, error);
    case DeviceErrorNames.ClaimContended:
      throw new ApiError('ClaimContended', 'The device changed while claiming; retry', { cause: error });
    case ErrorNames.UpstreamThrottled:
      throw new ApiError('Throttled', 'AWS IoT is throttling; retry with backoff', { cause: error });
    default:
      throw new ApiError('UpstreamFailure', 'AWS IoT did not answer; retry later', { cause: error });
  }
}
