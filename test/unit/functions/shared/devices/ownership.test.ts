import { DescribeThingCommand, IoT, IoTClient, ListThingsCommand, UpdateThingCommand } from '@aws-sdk/client-iot';
import { DeleteThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { OwnershipCache } from '../../../../../functions/api/publish-command/ownership-cache';
import { claimCodeMatches, generateClaimCode, hashClaimCode, isClaimCodeShaped } from '../../../../../functions/shared/devices/claim-code';
import { claimDevice, releaseDevice } from '../../../../../functions/shared/devices/ownership';
import { listOwnedThings } from '../../../../../functions/shared/devices/registry';
import { releaseDevicesOf } from '../../../../../functions/offboarding/release-devices/core';
import { silentLog } from '../../../../../functions/shared/observability/logging';
import { awsError, IDENTITY_ID } from '../../../fixtures';

const iotMock = mockClient(IoTClient);
const dataMock = mockClient(IoTDataPlaneClient);
// The aggregated client (what the admin CLI passes): its methods send through the mocked IoTClient.
const deps = { iot: new IoT({ region: 'us-east-1' }), iotData: new IoTDataPlaneClient({ region: 'us-east-1' }) };
const BOB = 'us-east-1:22222222-2222-4222-8222-222222222222';
const CODE = generateClaimCode();
const HASH = hashClaimCode(CODE);

/** Fresh mocks; the data plane accepts shadow writes and deletions. */
function resetWithShadowWrites() {
  iotMock.reset();
  dataMock.reset();
  dataMock.on(UpdateThingShadowCommand).resolves({});
  dataMock.on(DeleteThingShadowCommand).resolves({});
}

function thing(attributes: Record<string, string>, version = 3) {
  return { thingName: 'device_demo', version, attributes };
}

describe('claim codes', () => {
  it('carry 160 random bits as 8 groups of 4 base32 characters', () => {
    const codes = new Set(Array.from({ length: 50 }, () => generateClaimCode()));
    expect(codes.size).toBe(50);
    for (const code of codes) expect(code).toMatch(/^([A-Z2-7]{4}-){7}[A-Z2-7]{4}$/);
  });

  it('are stored as a salted hash that is a valid thing attribute value and never the code', () => {
    expect(HASH).toMatch(/^[0-9a-f]{32}\.[0-9a-f]{64}$/);
    expect(HASH).not.toContain(CODE);
    expect(hashClaimCode(CODE)).not.toBe(HASH);
  });

  it('match only the right code (case and surrounding space forgiven) and never a malformed hash', () => {
    expect(claimCodeMatches(CODE, HASH)).toBe(true);
    expect(claimCodeMatches(` ${CODE.toLowerCase()} `, HASH)).toBe(true);
    expect(claimCodeMatches(generateClaimCode(), HASH)).toBe(false);
    expect(claimCodeMatches(CODE, undefined)).toBe(false);
    expect(claimCodeMatches(CODE, 'abc.def')).toBe(false);
    expect(isClaimCodeShaped('AAAA')).toBe(false);
  });
});

describe('claimDevice', () => {
  beforeEach(() => {
    iotMock.reset();
    dataMock.reset();
    dataMock.on(UpdateThingShadowCommand).resolves({});
  });

  it('sets the owner only at the version it read, then tells the device', async () => {
    iotMock.on(DescribeThingCommand).resolves(thing({ claimHash: HASH }));
    iotMock.on(UpdateThingCommand).resolves({});
    await claimDevice(deps, 'device_demo', IDENTITY_ID, CODE);
    expect(iotMock.commandCalls(UpdateThingCommand)[0]?.args[0].input).toEqual({
      thingName: 'device_demo',
      expectedVersion: 3,
      attributePayload: { attributes: { owner: IDENTITY_ID, releasedFrom: '', claimHash: HASH }, merge: true },
    });
    const notice = dataMock.commandCalls(UpdateThingShadowCommand)[0]?.args[0].input;
    expect(notice?.thingName).toBe('device_demo');
    expect(JSON.parse(new TextDecoder().decode(notice?.payload as Uint8Array))).toEqual({ state: { desired: { owner: IDENTITY_ID } } });
  });

  it('refuses a wrong code before saying anything about the owner, and counts it on the device', async () => {
    iotMock.on(DescribeThingCommand).resolves(thing({ claimHash: HASH, owner: BOB }));
    iotMock.on(UpdateThingCommand).resolves({});
    const error = await claimDevice({ ...deps, now: () => 1_700_000_000_000 }, 'device_demo', IDENTITY_ID, generateClaimCode()).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'InvalidClaimCode' });
    expect((error as Error).message).not.toContain(BOB);
    expect(iotMock.commandCalls(UpdateThingCommand).map((c) => c.args[0].input)).toEqual([
      { thingName: 'device_demo', expectedVersion: 3, attributePayload: { attributes: { claimHash: `${HASH}.1700000000.1` }, merge: true } },
    ]);
  });

  it('answers AlreadyClaimed for a device with another owner, without naming them', async () => {
    iotMock.on(DescribeThingCommand).resolves(thing({ claimHash: HASH, owner: BOB }));
    const error = await claimDevice(deps, 'device_demo', IDENTITY_ID, CODE).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'AlreadyClaimed' });
    expect(String((error as Error).message)).not.toContain(BOB);
  });

  it('re-reads after losing a race and then answers AlreadyClaimed', async () => {
    iotMock.on(DescribeThingCommand).resolvesOnce(thing({ claimHash: HASH })).resolves(thing({ claimHash: HASH, owner: BOB }, 4));
    iotMock.on(UpdateThingCommand).rejects(awsError('VersionConflictException', 409));
    await expect(claimDevice(deps, 'device_demo', IDENTITY_ID, CODE)).rejects.toMatchObject({ name: 'AlreadyClaimed' });
    expect(iotMock.commandCalls(UpdateThingCommand)).toHaveLength(1);
  });

  it('answers DeviceNotFound for an unknown thing and for a thing that was never registered as a device', async () => {
    iotMock.on(DescribeThingCommand).rejects(awsError('ResourceNotFoundException', 404));
    await expect(claimDevice(deps, 'nope', IDENTITY_ID, CODE)).rejects.toMatchObject({ name: 'DeviceNotFound' });
    iotMock.on(DescribeThingCommand).resolves(thing({}));
    await expect(claimDevice(deps, 'device_demo', IDENTITY_ID, CODE)).rejects.toMatchObject({ name: 'DeviceNotFound' });
  });
});

describe('releaseDevice', () => {
  beforeEach(resetWithShadowWrites);

  it("clears the owner at the version read, deletes the owner's twin and tells the device", async () => {
    iotMock.on(DescribeThingCommand).resolves(thing({ claimHash: HASH, owner: IDENTITY_ID }));
    iotMock.on(UpdateThingCommand).resolves({});
    await releaseDevice(deps, 'device_demo', IDENTITY_ID);
    expect(iotMock.commandCalls(UpdateThingCommand)[0]?.args[0].input).toMatchObject({ expectedVersion: 3, attributePayload: { attributes: { owner: '' }, merge: true } });
    expect(dataMock.commandCalls(DeleteThingShadowCommand)[0]?.args[0].input).toEqual({ thingName: IDENTITY_ID, shadowName: 'device_demo' });
    const notice = dataMock.commandCalls(UpdateThingShadowCommand)[0]?.args[0].input;
    expect(JSON.parse(new TextDecoder().decode(notice?.payload as Uint8Array))).toEqual({ state: { desired: { owner: '' } } });
  });

  it("answers DeviceNotFound to anyone but the owner and changes nothing", async () => {
    iotMock.on(DescribeThingCommand).resolves(thing({ claimHash: HASH, owner: BOB }));
    await expect(releaseDevice(deps, 'device_demo', IDENTITY_ID)).rejects.toMatchObject({ name: 'DeviceNotFound' });
    expect(iotMock.commandCalls(UpdateThingCommand)).toHaveLength(0);
    expect(dataMock.commandCalls(DeleteThingShadowCommand)).toHaveLength(0);
  });

  it('is idempotent for operators: an unowned device is released again without a registry write', async () => {
    iotMock.on(DescribeThingCommand).resolves(thing({ claimHash: HASH }));
    await expect(releaseDevice(deps, 'device_demo')).resolves.toEqual({});
    expect(iotMock.commandCalls(UpdateThingCommand)).toHaveLength(0);
  });

  it('treats a twin that is already gone as deleted', async () => {
    iotMock.on(DescribeThingCommand).resolves(thing({ claimHash: HASH, owner: IDENTITY_ID }));
    iotMock.on(UpdateThingCommand).resolves({});
    dataMock.on(DeleteThingShadowCommand).rejects(awsError('ResourceNotFoundException', 404));
    await expect(releaseDevice(deps, 'device_demo')).resolves.toEqual({ previousOwner: IDENTITY_ID });
  });
});

describe('listOwnedThings', () => {
  it('filters ListThings by the owner attribute across pages', async () => {
    iotMock.reset();
    iotMock.on(ListThingsCommand).resolvesOnce({ things: [{ thingName: 'a' }], nextToken: 't' }).resolves({ things: [{ thingName: 'b' }] });
    expect(await listOwnedThings(deps.iot, IDENTITY_ID)).toEqual(['a', 'b']);
    expect(iotMock.commandCalls(ListThingsCommand)[1]?.args[0].input).toMatchObject({ attributeName: 'owner', attributeValue: IDENTITY_ID, nextToken: 't' });
  });
});

describe('OwnershipCache', () => {
  let now = 0;
  const cache = () => new OwnershipCache({ iot: deps.iot, now: () => now, ttlMs: 30_000 });
  beforeEach(() => {
    iotMock.reset();
    now = 0;
    iotMock.on(DescribeThingCommand).resolves(thing({ owner: IDENTITY_ID }));
  });

  it('answers a confirmed owner from cache until the TTL, then asks the registry again', async () => {
    const c = cache();
    expect(await c.owns('device_demo', IDENTITY_ID)).toBe(true);
    now = 29_999;
    expect(await c.owns('device_demo', IDENTITY_ID)).toBe(true);
    expect(iotMock.commandCalls(DescribeThingCommand)).toHaveLength(1);
    now = 30_000;
    expect(await c.owns('device_demo', IDENTITY_ID)).toBe(true);
    expect(iotMock.commandCalls(DescribeThingCommand)).toHaveLength(2);
  });

  it("is never a hit for another user: a device cached as one user's is asked again for anyone else", async () => {
    iotMock.on(DescribeThingCommand).resolves(thing({ claimHash: HASH, owner: IDENTITY_ID }));
    const cache = new OwnershipCache({ iot: deps.iot, now: () => 0 });
    expect(await cache.owns('device_demo', IDENTITY_ID)).toBe(true);
    expect(await cache.owns('device_demo', BOB)).toBe(false);
    expect(iotMock.commandCalls(DescribeThingCommand)).toHaveLength(2);
    expect(cache.counts).toEqual({ hits: 0, misses: 2 });
  });

  it('always asks again for a non-owner, so a fresh claim by them works at once', async () => {
    const c = cache();
    expect(await c.owns('device_demo', BOB)).toBe(false);
    iotMock.on(DescribeThingCommand).resolves(thing({ owner: BOB }));
    expect(await c.owns('device_demo', BOB)).toBe(true);
  });

  it('forgets a device at once (a release in this container)', async () => {
    const c = cache();
    await c.owns('device_demo', IDENTITY_ID);
    c.forget('device_demo');
    iotMock.on(DescribeThingCommand).resolves(thing({}));
    expect(await c.owns('device_demo', IDENTITY_ID)).toBe(false);
  });
});

describe('offboarding ReleaseDevices task', () => {
  beforeEach(resetWithShadowWrites);

  it('releases every device the identity owns and skips one taken meanwhile', async () => {
    iotMock.on(ListThingsCommand).resolves({ things: [{ thingName: 'a' }, { thingName: 'b' }] });
    iotMock.on(DescribeThingCommand, { thingName: 'a' }).resolves({ thingName: 'a', version: 1, attributes: { owner: IDENTITY_ID } });
    iotMock.on(DescribeThingCommand, { thingName: 'b' }).resolves({ thingName: 'b', version: 1, attributes: { owner: BOB } });
    iotMock.on(UpdateThingCommand).resolves({});
    expect(await releaseDevicesOf({ identityId: IDENTITY_ID }, { ...deps, log: silentLog })).toEqual({ released: ['a'] });
    // The commit (owner cleared, releasedFrom recorded), then the record cleared once done.
    expect(iotMock.commandCalls(UpdateThingCommand).map((c) => [c.args[0].input.thingName, c.args[0].input.attributePayload?.attributes])).toEqual([
      ['a', { owner: '', releasedFrom: IDENTITY_ID }],
      ['a', { releasedFrom: '' }],
    ]);
  });

  // The workflow retries these names (offboarding.asl.json): a release that failed must fail the
  // task, or the identity would be removed with its devices still owned.
  it.each([
    ['throttled', () => iotMock.on(UpdateThingCommand).rejects(awsError('ThrottlingException', 429)), 'UpstreamThrottled'],
    ['unavailable', () => iotMock.on(UpdateThingCommand).rejects(awsError('ServiceUnavailableException', 503)), 'UpstreamUnavailable'],
    ['contended on every attempt', () => iotMock.on(UpdateThingCommand).rejects(awsError('VersionConflictException', 409)), 'ClaimContended'],
    ["unable to delete the owner's twin", () => dataMock.on(DeleteThingShadowCommand).rejects(awsError('ServiceUnavailableException', 503)), 'UpstreamUnavailable'],
  ])('fails the task with %s releases (%s), so the workflow retries', async (_label, arrange, name) => {
    iotMock.on(ListThingsCommand).resolves({ things: [{ thingName: 'a' }] });
    iotMock.on(DescribeThingCommand).resolves({ thingName: 'a', version: 1, attributes: { owner: IDENTITY_ID } });
    iotMock.on(UpdateThingCommand).resolves({});
    arrange();
    await expect(releaseDevicesOf({ identityId: IDENTITY_ID }, { ...deps, log: silentLog })).rejects.toMatchObject({ name });
  });

  it('throws the named retryable error when the registry throttles', async () => {
    iotMock.on(ListThingsCommand).rejects(awsError('ThrottlingException', 429));
    await expect(releaseDevicesOf({ identityId: IDENTITY_ID }, { ...deps, log: silentLog })).rejects.toMatchObject({ name: 'UpstreamThrottled' });
  });

  it('refuses input without an identity id as InvalidInput', async () => {
    await expect(releaseDevicesOf({}, { ...deps, log: silentLog })).rejects.toMatchObject({ name: 'InvalidInput' });
  });
});
