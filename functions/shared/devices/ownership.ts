import { DeleteThingShadowCommand, UpdateThingShadowCommand, type IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { classifyAwsError, toUpstreamError } from '../aws/classify';
import { SHADOW_NAME_PATTERN } from './shadow-limits';
import { CLAIM_HASH_ATTRIBUTE, claimCodeMatches } from './claim-code';
import { OWNER_ATTRIBUTE } from '../iot-policy/device-policy';
import { formatClaimRecord, lockedForSeconds, parseClaimRecord, withFailure } from './claim-guard';
import { AlreadyClaimedError, ClaimContendedError, ClaimRateLimitedError, DeviceNotFoundError, InvalidClaimCodeError } from './errors';
import { describeDevice, RELEASED_FROM_ATTRIBUTE, writeAttributes, type DeviceRecord, type Iot } from './registry';

/**
 * Claim and release (design section 8). Both are compare-and-set on the thing's `version`, so of
 * two users racing for one device exactly one wins; both re-read and decide again after losing a
 * race, a bounded number of times.
 */

export interface OwnershipDeps {
  readonly iot: Iot;
  /** Backend credentials: deletes twins and writes the device's classic shadow. */
  readonly iotData: Pick<IoTDataPlaneClient, 'send'>;
  /** The clock of the per-device claim limit (epoch ms). Default Date.now. */
  readonly now?: () => number;
}

/** The twin's shadow name is the thing name; it lives on the owner's identity thing. */
export const twinShadow = (ownerIdentityId: string, thingName: string) => ({ thingName: ownerIdentityId, shadowName: thingName });

const ATTEMPTS = 3;

const nowSeconds = (deps: OwnershipDeps) => Math.floor((deps.now ?? Date.now)() / 1000);

/**
 * Claims a device for `identityId` with its claim code. The code is checked before anything else
 * is said about the device (a wrong code learns nothing about its owner), after the device's
 * claim limit (claim-guard.ts): a wrong code is counted on the device, and a device past its limit
 * answers ClaimRateLimited whatever the code. Claiming your own device again succeeds. A release
 * still in progress is finished first (the former owner's twin deleted).
 */
export async function claimDevice(deps: OwnershipDeps, thingName: string, identityId: string, claimCode: string): Promise<DeviceRecord> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const device = await describeDevice(deps.iot, thingName);
    const stored = device.attributes[CLAIM_HASH_ATTRIBUTE];
    // A thing that was never registered as a device (no claim hash) is not a device to users.
    if (stored === undefined) throw new DeviceNotFoundError(`No device ${thingName}`);
    const record = parseClaimRecord(stored);
    const lockedFor = lockedForSeconds(record.window, nowSeconds(deps));
    if (lockedFor !== undefined) throw new ClaimRateLimitedError(`Too many wrong claim codes for ${thingName}`, lockedFor);
    if (!claimCodeMatches(claimCode, record.hash)) {
      const counted = formatClaimRecord(record.hash, withFailure(record.window, nowSeconds(deps)));
      if (!(await writeAttributes(deps.iot, device, { [CLAIM_HASH_ATTRIBUTE]: counted }))) continue;
      throw new InvalidClaimCodeError(`Wrong claim code for ${thingName}`);
    }
    if (device.owner === identityId) {
      // A retry of a claim whose notice was cut short: tell the device again (idempotent).
      await tellDevice(deps, thingName, identityId);
      return device;
    }
    if (device.owner !== undefined) throw new AlreadyClaimedError(`${thingName} already has an owner`);
    if (device.releasedFrom !== undefined) await deleteTwin(deps, device.releasedFrom, thingName);
    const claimed = { [OWNER_ATTRIBUTE]: identityId, [RELEASED_FROM_ATTRIBUTE]: '', [CLAIM_HASH_ATTRIBUTE]: record.hash };
    if (await writeAttributes(deps.iot, device, claimed)) {
      await tellDevice(deps, thingName, identityId);
      return { ...device, owner: identityId, version: device.version + 1 };
    }
  }
  throw new ClaimContendedError(`${thingName} changed during every claim attempt`);
}

/**
 * Releases a device in two steps, so that it is safe to retry until it completes. The commit is
 * one conditional write: `owner` cleared (IoT denies the device its twin from then on) and
 * `releasedFrom` recorded. Then the former owner's twin is deleted, the device told, and the
 * record cleared. A failure after the commit leaves the record, and whoever comes next finishes
 * it: the owner retrying (who gets 200, not 404), the next claim, the owner's offboarding or an
 * operator. With `expectedOwner`, only that owner (or the one whose release is pending) may
 * release; to anyone else the device does not exist (DeviceNotFound). An unowned device is
 * released again for operators (the notice repeats harmlessly).
 */
export async function releaseDevice(deps: OwnershipDeps, thingName: string, expectedOwner?: string): Promise<{ previousOwner?: string }> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const device = await describeDevice(deps.iot, thingName);
    const pending = device.owner === undefined ? device.releasedFrom : undefined;
    if (pending !== undefined && (expectedOwner === undefined || pending === expectedOwner)) {
      await finishRelease(deps, device, pending);
      return { previousOwner: pending };
    }
    if (expectedOwner !== undefined && device.owner !== expectedOwner) throw new DeviceNotFoundError(`${thingName} is not a device of this user`);
    if (device.owner === undefined) {
      await tellDevice(deps, thingName, '');
      return {};
    }
    if (await writeAttributes(deps.iot, device, { [OWNER_ATTRIBUTE]: '', [RELEASED_FROM_ATTRIBUTE]: device.owner })) {
      await finishRelease(deps, { ...device, version: device.version + 1 }, device.owner);
      return { previousOwner: device.owner };
    }
  }
  throw new ClaimContendedError(`${thingName} changed during every release attempt`);
}

/**
 * The steps after a release's commit, each idempotent. Clearing the record is conditional: if the
 * thing changed meanwhile (a claim that finished the release itself), there is nothing to clear.
 */
async function finishRelease(deps: OwnershipDeps, device: DeviceRecord, formerOwner: string): Promise<void> {
  await deleteTwin(deps, formerOwner, device.thingName);
  await tellDevice(deps, device.thingName, '');
  await writeAttributes(deps.iot, device, { [RELEASED_FROM_ATTRIBUTE]: '' });
}

/**
 * DeleteThingShadow of the twin; a twin that never existed is already gone. A device registered
 * before names were limited to 64 characters cannot have a twin (shadow names are 1-64), so there
 * is nothing to delete: asking would fail every retry of its owner's offboarding.
 */
export async function deleteTwin(deps: OwnershipDeps, ownerIdentityId: string, thingName: string): Promise<void> {
  if (!SHADOW_NAME_PATTERN.test(thingName)) return;
  try {
    await deps.iotData.send(new DeleteThingShadowCommand(twinShadow(ownerIdentityId, thingName)));
  } catch (error) {
    if (classifyAwsError(error) !== 'notFound') throw toUpstreamError('DeleteThingShadow', error);
  }
}

/**
 * Tells the device its owner through its classic shadow: `desired.owner` is the owner's identity
 * id, or `""` once released, so a connected device gets a delta and a device that was offline
 * reads it at its next shadow get. The device then (re)subscribes to its twin.
 */
export async function tellDevice(deps: OwnershipDeps, thingName: string, owner: string): Promise<void> {
  const payload = new TextEncoder().encode(JSON.stringify({ state: { desired: { owner } } }));
  try {
    await deps.iotData.send(new UpdateThingShadowCommand({ thingName, payload }));
  } catch (error) {
    throw toUpstreamError('UpdateThingShadow', error);
  }
}
