import { DeviceErrorNames } from '../../shared/devices/errors';
import { releaseDevice, type OwnershipDeps } from '../../shared/devices/ownership';
import { listOwnedThings, listPendingReleases } from '../../shared/devices/registry';
import type { Log } from '../../shared/observability/logging';
import { identityTaskInputSchema, parseTaskInput } from '../../shared/workflows/task-input';

export interface ReleaseDevicesDeps extends OwnershipDeps {
  readonly log: Log;
}

/**
 * Offboarding step ReleaseDevices, run by the device-release gate's consumer
 * (functions/gates/device-release-worker): releases every device the leaving identity owns (clear
 * `owner` at the version read, delete the twin, tell the device) and finishes every release of
 * theirs left half done. Idempotent: a re-run lists
 * only what is still owned; a device released or re-claimed meanwhile (DeviceNotFound for this
 * owner) is skipped. Throws UpstreamThrottled / UpstreamUnavailable / ClaimContended for the gate
 * to try again, UpstreamRejected / InvalidInput to fail the execution.
 */
export async function releaseDevicesOf(event: unknown, deps: ReleaseDevicesDeps): Promise<{ released: string[] }> {
  const { identityId } = parseTaskInput(identityTaskInputSchema, event, 'ReleaseDevices expects {identityId}');
  const released: string[] = [];
  // Releases this identity started that did not finish (releasedFrom) are finished here too.
  const things = new Set([...(await listOwnedThings(deps.iot, identityId)), ...(await listPendingReleases(deps.iot, identityId))]);
  for (const thingName of things) {
    try {
      await releaseDevice(deps, thingName, identityId);
      released.push(thingName);
    } catch (error) {
      if ((error as { name?: unknown }).name !== DeviceErrorNames.DeviceNotFound) throw error;
      deps.log.info('Device no longer owned by the leaving identity; skipped', { thingName, identityId });
    }
  }
  deps.log.info('Devices released', { identityId, count: released.length });
  return { released };
}
