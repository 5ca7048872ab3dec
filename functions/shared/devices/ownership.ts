import { DeleteThingShadowCommand, UpdateThingShadowCommand, type IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { classifyAwsError, toUpstreamError } from '../aws-errors';
import { SHADOW_NAME_PATTERN } from '../shadow-limits';
import { CLAIM_HASH_ATTRIBUTE, claimCodeMatches } from './claim-code';
import { AlreadyClaimedError, ClaimContendedError, DeviceNotFoundError, InvalidClaimCodeError } from './errors';
import { describeDevice, writeOwner, type DeviceRecord, type Iot } from './registry';

/**
 * Claim and release (design section 8). Both are compare-and-set on the thing's `version`, so of
 * two users racing for one device exactly one wins; both re-read and decide again after losing a
 * race, a bounded number of times.
 */

export interface OwnershipDeps {
  readonly iot: Iot;
  /** Backend credentials: deletes twins and writes the device's classic shadow. */
  readonly iotData: Pick<IoTDataPlaneClient, 'send'>;
}

/** The twin's shadow name is the thing name; it lives on the owner's identity thing. */
export const twinShadow = (ownerIdentityId: string, thingName: string) => ({ thingName: ownerIdentityId, shadowName: thingName });

const ATTEMPTS = 3;

/**
 * Claims a device for `identityId` with its claim code. The code is checked before anything else
 * is said about the device (a wrong code learns nothing about its owner); claiming your own device
 * again succeeds.
 */
export async function claimDevice(deps: OwnershipDeps, thingName: string, identityId: string, claimCode: string): Promise<DeviceRecord> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const device = await describeDevice(deps.iot, thingName);
    const stored = device.attributes[CLAIM_HASH_ATTRIBUTE];
    // A thing that was never registered as a device (no claim hash) is not a device to users.
    if (stored === undefined) throw new DeviceNotFoundError(`No device ${thingName}`);
    if (!claimCodeMatches(claimCode, stored)) throw new InvalidClaimCodeError(`Wrong claim code for ${thingName}`);
    if (device.owner === identityId) {
      // A retry of a claim whose notice was cut short: tell the device again (idempotent).
      await tellDevice(deps, thingName, identityId);
      return device;
    }
    if (device.owner !== undefined) throw new AlreadyClaimedError(`${thingName} already has an owner`);
    if (await writeOwner(deps.iot, device, identityId)) {
      await tellDevice(deps, thingName, identityId);
      return { ...device, owner: identityId, version: device.version + 1 };
    }
  }
  throw new ClaimContendedError(`${thingName} changed during every claim attempt`);
}

/**
 * Releases a device: clears `owner`, deletes the twin and tells the device. With
 * `expectedOwner`, only that owner may release (anyone else: DeviceNotFound). Idempotent: an
 * unowned device is released again (twin deletion and notice repeat harmlessly).
 */
export async function releaseDevice(deps: OwnershipDeps, thingName: string, expectedOwner?: string): Promise<{ previousOwner?: string }> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const device = await describeDevice(deps.iot, thingName);
    if (expectedOwner !== undefined && device.owner !== expectedOwner) throw new DeviceNotFoundError(`${thingName} is not a device of this user`);
    if (device.owner === undefined) {
      await tellDevice(deps, thingName, '');
      return {};
    }
    if (await writeOwner(deps.iot, device, '')) {
      await deleteTwin(deps, device.owner, thingName);
      await tellDevice(deps, thingName, '');
      return { previousOwner: device.owner };
    }
  }
  throw new ClaimContendedError(`${thingName} changed during every release attempt`);
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
