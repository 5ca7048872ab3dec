import { classifyAwsError, toUpstreamError } from '../aws-errors';
import type { IotControlPlane } from '../iot-control-plane/api';
import { OWNER_ATTRIBUTE } from '../device-policy';
import { DeviceNotFoundError } from './errors';

/**
 * The IoT thing registry as the ownership database (design section 8): the `owner` attribute is
 * the owner's identity id, `version` makes writes conditional, ListThings by attribute lists a
 * user's devices. No other store.
 */

/** The registry calls: an SDK `IoT` client or the Lambdas' lean one (iot-control-plane). */
export type Iot = Pick<IotControlPlane, 'describeThing' | 'updateThing' | 'listThings'>;

export interface DeviceRecord {
  readonly thingName: string;
  readonly version: number;
  readonly owner?: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** DescribeThing; an unknown thing is DeviceNotFound, other failures named upstream errors. */
export async function describeDevice(iot: Iot, thingName: string): Promise<DeviceRecord> {
  let out;
  try {
    out = await iot.describeThing({ thingName });
  } catch (error) {
    if (classifyAwsError(error) === 'notFound') throw new DeviceNotFoundError(`No device ${thingName}`, { cause: error });
    throw toUpstreamError('DescribeThing', error);
  }
  const attributes = out.attributes ?? {};
  const owner = attributes[OWNER_ATTRIBUTE];
  return { thingName, version: out.version ?? 0, attributes, ...(owner ? { owner } : {}) };
}

/**
 * Sets or clears (`''`: merge removes an empty attribute) the owner, only if the thing is still
 * at `expectedVersion` (UpdateThing: https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateThing.html).
 * Answers false when another write won (VersionConflictException).
 */
export async function writeOwner(iot: Iot, device: DeviceRecord, owner: string): Promise<boolean> {
  try {
    await iot.updateThing({
      thingName: device.thingName,
      expectedVersion: device.version,
      attributePayload: { attributes: { [OWNER_ATTRIBUTE]: owner }, merge: true },
    });
    return true;
  } catch (error) {
    if ((error as { name?: unknown }).name === 'VersionConflictException') return false;
    if (classifyAwsError(error) === 'notFound') throw new DeviceNotFoundError(`No device ${device.thingName}`, { cause: error });
    throw toUpstreamError('UpdateThing', error);
  }
}

/** Every thing whose `owner` is this identity (ListThings by attribute, all pages). */
export async function listOwnedThings(iot: Iot, ownerIdentityId: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await iot.listThings({ attributeName: OWNER_ATTRIBUTE, attributeValue: ownerIdentityId, maxResults: 250, ...(nextToken ? { nextToken } : {}) });
    } catch (error) {
      throw toUpstreamError('ListThings', error);
    }
    for (const thing of page.things ?? []) if (thing.thingName) names.push(thing.thingName);
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}
