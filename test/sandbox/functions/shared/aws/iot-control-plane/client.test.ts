import { randomUUID } from 'node:crypto';
import { AttachPolicyCommand, CreatePolicyCommand, CreateThingCommand, DescribeThingCommand, IoT } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IotControlPlane } from '../../../../../../functions/shared/aws/iot-control-plane/api';
import { createIotControlPlane } from '../../../../../../functions/shared/aws/iot-control-plane/client';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../../../../sandbox/wire/account';
import { fileFixture } from '../../../../../support/file-fixture';
import { iotCoreFixture, REGION, template } from '../../../../../support/iot-core-fixture';

/**
 * Parity per operation: the Lambdas' lean IoT control-plane client and the SDK's aggregated `IoT`
 * client, side by side against the sandbox control plane (which checks SigV4 as AWS does), must
 * answer alike, failures included.
 */
const sandbox = fileFixture(() => iotCoreFixture());
let clients: Array<[string, IotControlPlane]> = [];
const destroy: Array<() => void> = [];
beforeAll(() => {
  const common = { region: REGION, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1, endpoint: sandbox.core.controlPlaneUrl };
  const lean = createIotControlPlane({ ...common, requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 } });
  const sdk = new IoT(common);
  destroy.push(() => lean.destroy(), () => sdk.destroy());
  clients = [['lean', lean], ['sdk', sdk]];
});
afterAll(() => destroy.forEach((d) => d()));

/** The same call through both clients: the answers (or the failures' name, status and message). */
async function both<T>(call: (iot: IotControlPlane) => Promise<T>) {
  const outcome = async (iot: IotControlPlane) =>
    call(iot).then(
      (value) => ({ value }),
      (e: { name: string; message: string; $metadata?: { httpStatusCode?: number } }) => ({ error: { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode } }),
    );
  const [[, lean], [, sdk]] = clients as [[string, IotControlPlane], [string, IotControlPlane]];
  return { lean: await outcome(lean), sdk: await outcome(sdk) };
}
const fields = ({ thingName, attributes, version }: { thingName?: string; attributes?: Record<string, string>; version?: number }) => ({ thingName, attributes, version });
const newIdentityThing = async (attributes: Record<string, string> = {}) => {
  // Identity-shaped names carry a colon, which the path label must encode (and SigV4 encode again).
  const thingName = `${REGION}:${randomUUID()}`;
  await sandbox.iot.send(new CreateThingCommand({ thingName, attributePayload: { attributes } }));
  return thingName;
};

describe('IoT control-plane client against the sandbox, next to the SDK', () => {
  it('describes a thing alike', async () => {
    const thingName = await newIdentityThing({ owner: 'someone' });
    const { lean, sdk } = await both((iot) => iot.describeThing({ thingName }).then(fields));
    expect(lean).toEqual({ value: { thingName, attributes: { owner: 'someone' }, version: 1 } });
    expect(lean).toEqual(sdk);
  });

  it('fails a missing thing alike', async () => {
    const thingName = `missing-${randomUUID()}`;
    const { lean, sdk } = await both((iot) => iot.describeThing({ thingName }));
    expect(lean).toMatchObject({ error: { name: 'ResourceNotFoundException', status: 404 } });
    expect(lean).toEqual(sdk);
  });

  it('updates conditionally alike: the current version succeeds, a stale one is a VersionConflictException', async () => {
    const thingName = await newIdentityThing();
    const update = (iot: IotControlPlane, expectedVersion: number) =>
      iot.updateThing({ thingName, expectedVersion, attributePayload: { attributes: { owner: `v${expectedVersion}` }, merge: true } });
    const [[, lean], [, sdk]] = clients as [[string, IotControlPlane], [string, IotControlPlane]];
    await update(lean, 1);
    await update(sdk, 2);
    expect((await sandbox.iot.send(new DescribeThingCommand({ thingName }))).version).toBe(3);
    const stale = await both((iot) => update(iot, 1));
    expect(stale.lean).toMatchObject({ error: { name: 'VersionConflictException', status: 409 } });
    expect(stale.lean).toEqual(stale.sdk);
  });

  it('lists things by attribute alike, page by page', async () => {
    const owner = `${REGION}:${randomUUID()}`;
    for (let i = 0; i < 3; i++) await newIdentityThing({ owner });
    const pages = async (iot: IotControlPlane) => {
      const names: string[][] = [];
      let nextToken: string | undefined;
      do {
        const page = await iot.listThings({ attributeName: 'owner', attributeValue: owner, maxResults: 2, ...(nextToken ? { nextToken } : {}) });
        names.push((page.things ?? []).map((t) => t.thingName ?? ''));
        nextToken = page.nextToken;
      } while (nextToken);
      return names;
    };
    const { lean, sdk } = await both(pages);
    expect((lean as { value: string[][] }).value.map((p) => p.length)).toEqual([2, 1]);
    expect(lean).toEqual(sdk);
  });

  it('lists the targets of a policy alike, page by page', async () => {
    const policyName = `parity-${randomUUID().slice(0, 8)}`;
    await sandbox.iot.send(new CreatePolicyCommand({ policyName, policyDocument: JSON.stringify(template) }));
    for (let i = 0; i < 3; i++) await sandbox.iot.send(new AttachPolicyCommand({ policyName, target: `${REGION}:${randomUUID()}` }));
    const pages = async (iot: IotControlPlane) => {
      const targets: string[][] = [];
      let marker: string | undefined;
      do {
        const page = await iot.listTargetsForPolicy({ policyName, pageSize: 2, ...(marker ? { marker } : {}) });
        targets.push(page.targets ?? []);
        marker = page.nextMarker;
      } while (marker);
      return targets;
    };
    const { lean, sdk } = await both(pages);
    expect((lean as { value: string[][] }).value.flat()).toHaveLength(3);
    expect(lean).toEqual(sdk);
  });

  it('attaches and detaches a policy alike (both idempotent), and refuses a missing policy alike', async () => {
    const policyName = `parity-${randomUUID().slice(0, 8)}`;
    await sandbox.iot.send(new CreatePolicyCommand({ policyName, policyDocument: JSON.stringify(template) }));
    const target = `${REGION}:${randomUUID()}`;
    const attached = async (iot: IotControlPlane) => (await iot.listTargetsForPolicy({ policyName })).targets ?? [];
    for (const [, iot] of clients) {
      await iot.attachPolicy({ policyName, target });
      await iot.attachPolicy({ policyName, target });
      expect(await attached(iot)).toEqual([target]);
      await iot.detachPolicy({ policyName, target });
      await iot.detachPolicy({ policyName, target });
      expect(await attached(iot)).toEqual([]);
    }
    const { lean, sdk } = await both((iot) => iot.attachPolicy({ policyName: `missing-${randomUUID().slice(0, 8)}`, target }));
    expect(lean).toMatchObject({ error: { name: 'ResourceNotFoundException', status: 404 } });
    expect({ ...lean, error: { ...(lean as { error: object }).error, message: '' } }).toEqual({ ...sdk, error: { ...(sdk as { error: object }).error, message: '' } });
  });
});
