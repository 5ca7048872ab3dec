import { randomUUID } from 'node:crypto';
import { CreatePolicyCommand, DescribeThingCommand } from '@aws-sdk/client-iot';
import { GetThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseDevicesOf } from '../../../../../functions/offboarding/release-devices/core';
import { devicePolicyDocument } from '../../../../../functions/shared/iot-policy/device-policy';
import { CLAIM_GUARD } from '../../../../../functions/shared/devices/claim-guard';
import { claimDevice, releaseDevice, type OwnershipDeps } from '../../../../../functions/shared/devices/ownership';
import { registerDevice } from '../../../../../functions/shared/devices/register';
import type { Iot } from '../../../../../functions/shared/devices/registry';
import { createIotControlPlane } from '../../../../../functions/shared/aws/iot-control-plane/client';
import { silentLog } from '../../../../../functions/shared/observability/logging';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../../../sandbox/wire/account';
import { errorOf } from '../../../../support/aws-error';
import { fileFixture } from '../../../../support/file-fixture';
import { iotCoreFixture, REGION } from '../../../../support/iot-core-fixture';

/**
 * Claim and release against the sandbox's real thing registry and shadow service, with a failure
 * injected at each step of a release (issue 17.2) and the claim limit driven by a clock (17.4).
 */
const sandbox = fileFixture(() => iotCoreFixture());
const DEVICE_POLICY = 'ownership-device-policy';
let data: IoTDataPlaneClient;
/** The IoT control-plane client the Lambdas bundle, against the sandbox. */
let lean: ReturnType<typeof createIotControlPlane>;

const ALICE = `${REGION}:${randomUUID()}`;
const BOB = `${REGION}:${randomUUID()}`;

beforeAll(async () => {
  data = new IoTDataPlaneClient({ region: REGION, endpoint: sandbox.core.dataPlaneUrl, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
  lean = createIotControlPlane({
    region: REGION,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
    endpoint: sandbox.core.controlPlaneUrl,
    credentials: SANDBOX_BACKEND_CREDENTIALS,
  });
  const policyDocument = JSON.stringify(devicePolicyDocument({ region: REGION, account: '000000000000' }));
  await sandbox.iot.send(new CreatePolicyCommand({ policyName: DEVICE_POLICY, policyDocument }));
});
afterAll(() => {
  data?.destroy();
  lean?.destroy();
});

const injected = () => Object.assign(new Error('injected'), { name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } });

/** A fault at the `nth` call of one operation: a control-plane method of the Lambdas' client, or a data-plane command. */
type Fault = { readonly call: 'updateThing' | 'DeleteThingShadowCommand' | 'UpdateThingShadowCommand'; readonly nth: number };

function failingRegistry(iot: Iot, fault: Fault | undefined): Iot {
  let seen = 0;
  return {
    describeThing: (input) => iot.describeThing(input),
    listThings: (input) => iot.listThings(input),
    updateThing: (input) => (fault?.call === 'updateThing' && ++seen === fault.nth ? Promise.reject(injected()) : iot.updateThing(input)),
  };
}

function failingData(client: IoTDataPlaneClient, fault: Fault | undefined): OwnershipDeps['iotData'] {
  let seen = 0;
  const send = (command: { constructor: { name: string } }) =>
    command.constructor.name === fault?.call && ++seen === fault.nth
      ? Promise.reject(injected())
      : (client.send as (command: unknown) => Promise<unknown>).call(client, command);
  return { send } as unknown as OwnershipDeps['iotData'];
}

const deps = (fault?: Fault, now?: () => number): OwnershipDeps => ({
  iot: failingRegistry(lean, fault),
  iotData: failingData(data, fault),
  ...(now ? { now } : {}),
});

async function claimedDevice() {
  const device = await registerDevice(sandbox.iot, { thingName: `lamp-${randomUUID().slice(0, 8)}`, policyName: DEVICE_POLICY });
  await claimDevice(deps(), device.thingName, ALICE, device.claimCode);
  // The twin holds state that must not outlive the release.
  const twin = new TextEncoder().encode(JSON.stringify({ state: { desired: { power: 'ON' } } }));
  await data.send(new UpdateThingShadowCommand({ thingName: ALICE, shadowName: device.thingName, payload: twin }));
  return device;
}

async function expectReleased(thingName: string, formerOwner: string) {
  const { attributes } = await sandbox.iot.send(new DescribeThingCommand({ thingName }));
  expect(attributes).not.toHaveProperty('owner');
  expect(attributes).not.toHaveProperty('releasedFrom');
  expect((await errorOf(data.send(new GetThingShadowCommand({ thingName: formerOwner, shadowName: thingName })))).name).toBe('ResourceNotFoundException');
  const classic = await data.send(new GetThingShadowCommand({ thingName }));
  expect(JSON.parse(new TextDecoder().decode(classic.payload)).state.desired.owner).toBe('');
}

describe('releasing a device, with a failure at each step', () => {
  it.each([
    ['the commit (UpdateThing)', 'updateThing', 1],
    ["deleting the owner's twin", 'DeleteThingShadowCommand', 1],
    ['telling the device', 'UpdateThingShadowCommand', 1],
    ['clearing the pending record', 'updateThing', 2],
  ] as const)('fails at %s, and the owner\'s retry completes the release', async (_step, call, nth) => {
    const device = await claimedDevice();
    await expect(releaseDevice(deps({ call, nth }), device.thingName, ALICE)).rejects.toMatchObject({ name: 'UpstreamUnavailable' });
    // To anyone else the device is still not theirs, mid-release or not.
    await expect(releaseDevice(deps(), device.thingName, BOB)).rejects.toMatchObject({ name: 'DeviceNotFound' });
    await expect(releaseDevice(deps(), device.thingName, ALICE)).resolves.toEqual({ previousOwner: ALICE });
    await expectReleased(device.thingName, ALICE);
    // Released means released: a further retry by the former owner is DeviceNotFound.
    await expect(releaseDevice(deps(), device.thingName, ALICE)).rejects.toMatchObject({ name: 'DeviceNotFound' });
  });

  it("is finished by the next claim: the former owner's twin is deleted and the new owner holds the device", async () => {
    const device = await claimedDevice();
    await expect(releaseDevice(deps({ call: 'DeleteThingShadowCommand', nth: 1 }), device.thingName, ALICE)).rejects.toThrow();
    await claimDevice(deps(), device.thingName, BOB, device.claimCode);
    const { attributes } = await sandbox.iot.send(new DescribeThingCommand({ thingName: device.thingName }));
    expect(attributes).toMatchObject({ owner: BOB });
    expect(attributes).not.toHaveProperty('releasedFrom');
    expect((await errorOf(data.send(new GetThingShadowCommand({ thingName: ALICE, shadowName: device.thingName })))).name).toBe('ResourceNotFoundException');
  });

  it("is finished by the former owner's offboarding (ReleaseDevices)", async () => {
    const device = await claimedDevice();
    await expect(releaseDevice(deps({ call: 'UpdateThingShadowCommand', nth: 1 }), device.thingName, ALICE)).rejects.toThrow();
    const { released } = await releaseDevicesOf({ identityId: ALICE }, { ...deps(), log: silentLog });
    expect(released).toContain(device.thingName);
    await expectReleased(device.thingName, ALICE);
  });
});

describe('the per-device claim limit', () => {
  it(`refuses every claim after ${CLAIM_GUARD.failures} wrong codes until the window ends, the right code too`, async () => {
    const device = await registerDevice(sandbox.iot, { thingName: `lamp-${randomUUID().slice(0, 8)}`, policyName: DEVICE_POLICY });
    let now = Date.parse('2026-12-07T12:00:00Z');
    const clocked = deps(undefined, () => now);
    const wrong = device.claimCode.replace(/^.{4}/, (g) => (g === 'AAAA' ? 'BBBB' : 'AAAA'));
    for (let i = 0; i < CLAIM_GUARD.failures; i++) {
      await expect(claimDevice(clocked, device.thingName, BOB, wrong)).rejects.toMatchObject({ name: 'InvalidClaimCode' });
      now += 1_000;
    }
    const locked = await claimDevice(clocked, device.thingName, ALICE, device.claimCode).catch((e: unknown) => e);
    expect(locked).toMatchObject({ name: 'ClaimRateLimited', retryAfterSeconds: CLAIM_GUARD.windowSeconds - CLAIM_GUARD.failures });
    now += (CLAIM_GUARD.windowSeconds - CLAIM_GUARD.failures) * 1_000;
    await claimDevice(clocked, device.thingName, ALICE, device.claimCode);
    // The claim starts a clean count: the stored record is the bare hash again.
    const { attributes } = await sandbox.iot.send(new DescribeThingCommand({ thingName: device.thingName }));
    expect(attributes?.claimHash?.split('.')).toHaveLength(2);
  });

  it('forgets failures older than the window', async () => {
    const device = await registerDevice(sandbox.iot, { thingName: `lamp-${randomUUID().slice(0, 8)}`, policyName: DEVICE_POLICY });
    let now = Date.parse('2026-12-07T12:00:00Z');
    const clocked = deps(undefined, () => now);
    for (let i = 0; i < CLAIM_GUARD.failures - 1; i++) {
      await expect(claimDevice(clocked, device.thingName, BOB, 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA')).rejects.toMatchObject({ name: 'InvalidClaimCode' });
    }
    now += CLAIM_GUARD.windowSeconds * 1_000;
    for (let i = 0; i < CLAIM_GUARD.failures; i++) {
      await expect(claimDevice(clocked, device.thingName, BOB, 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA')).rejects.toMatchObject({ name: 'InvalidClaimCode' });
    }
    await expect(claimDevice(clocked, device.thingName, BOB, 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA')).rejects.toMatchObject({ name: 'ClaimRateLimited' });
  });
});
