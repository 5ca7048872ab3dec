import { classifyAwsError, toUpstreamError } from '../aws/classify';
import type { IotControlPlane } from '../aws/iot-control-plane/api';
import { OWNER_ATTRIBUTE } from '../iot-policy/device-policy';
import { DeviceNotFoundError } from './errors';

/**
 * The IoT thing registry as the ownership database (design section 8): the `owner` attribute is
 * the owner's identity id, `version` makes writes conditional, ListThings by attribute lists a
 * user's devices. No other store.
 */

/** The registry calls: an SDK `IoT` client or the Lambdas' lean one (iot-control-plane). */
export type Iot = Pick<IotControlPlane, 'describeThing' | 'updateThing' | 'listThings'>;

/**
 * A release that cleared `owner` but has not yet deleted the former owner's twin and told the
 * device: the former owner's identity id. Whoever reads the thing next (the owner retrying, the
 * next claim, the owner's offboarding, an operator) finishes it. A thing without a thing type holds
 * at most 3 attributes (AWS IoT Core quotas, registry; "up to three attributes":
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-iot-thing-attributepayload.html):
 * `claimHash` (the code's hash and its failed attempts), `owner` and this one.
 */
export const RELEASED_FROM_ATTRIBUTE = 'releasedFrom';

export interface DeviceRecord {
  readonly thingName: string;
  readonly version: number;
  readonly owner?: string;
  /** The former owner of a release still in progress (RELEASED_FROM_ATTRIBUTE). */
  readonly releasedFrom?: string;
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
  const releasedFrom = attributes[RELEASED_FROM_ATTRIBUTE];
  return { thingName, version: out.version ?? 0, attributes, ...(owner ? { owner } : {}), ...(releasedFrom ? { releasedFrom } : {}) };
}

/**
 * Sets or clears (`''`: merge removes an empty attribute) attributes, only if the thing is still
 * at `expectedVersion` (UpdateThing: https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateThing.html).
 * Answers false when another write won (VersionConflictException). Each write adds 1 to the version.
 */
export async function writeAttributes(iot: Iot, device: DeviceRecord, attributes: Record<string, string>): Promise<boolean> {
  try {
    await iot.updateThing({
      thingName: device.thingName,
      expectedVersion: device.version,
      attributePayload: { attributes, merge: true },
    });
    return true;
  } catch (error) {
    if ((error as { name?: unknown }).name === 'VersionConflictException') return false;
    if (classifyAwsError(error) === 'notFound') throw new DeviceNotFoundError(`No device ${device.thingName}`, { cause: error });
    throw toUpstreamError('UpdateThing', error);
  }
}

/** Every thing whose `owner` is this identity (ListThings by attribute, all pages). */
export const listOwnedThings = (iot: Iot, ownerIdentityId: string) => listThingsWith(iot, OWNER_ATTRIBUTE, ownerIdentityId);

/** Every thing whose release from this identity is still in progress. */
export const listPendingReleases = (iot: Iot, formerOwnerIdentityId: string) => listThingsWith(iot, RELEASED_FROM_ATTRIBUTE, formerOwnerIdentityId);

async function listThingsWith(iot: Iot, attributeName: string, attributeValue: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await iot.listThings({ attributeName, attributeValue, maxResults: 250, ...(nextToken ? { nextToken } : {}) });
    } catch (error) {
      throw toUpstreamError('ListThings', error);
    }
    for (const thing of page.things ?? []) if (thing.thingName) names.push(thing.thingName);
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}
