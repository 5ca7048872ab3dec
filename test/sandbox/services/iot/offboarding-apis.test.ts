import { randomUUID } from 'node:crypto';
import { AttachPolicyCommand, CreatePolicyCommand, DetachPolicyCommand, IoTClient, ListAttachedPoliciesCommand, ListTargetsForPolicyCommand } from '@aws-sdk/client-iot';
import {
  DeleteThingShadowCommand,
  GetThingShadowCommand,
  IoTDataPlaneClient,
  ListNamedShadowsForThingCommand,
  UpdateThingShadowCommand,
} from '@aws-sdk/client-iot-data-plane';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../../sandbox/wire/account';
import { errorOf } from '../../../support/aws-error';
import { fileFixture } from '../../../support/file-fixture';
import { iotCoreFixture, REGION, ROLE, template } from '../../../support/iot-core-fixture';

const sandbox = fileFixture(() => iotCoreFixture());
let data: IoTDataPlaneClient;

const newIdentityId = () => `${REGION}:${randomUUID()}`;
const shadowState = (value: number) => new TextEncoder().encode(JSON.stringify({ state: { reported: { value } } }));

async function newPolicy(): Promise<string> {
  const policyName = `offboard-${randomUUID().slice(0, 8)}`;
  await sandbox.iot.send(new CreatePolicyCommand({ policyName, policyDocument: JSON.stringify(template) }));
  return policyName;
}

beforeAll(() => {
  data = new IoTDataPlaneClient({ region: REGION, endpoint: sandbox.core.dataPlaneUrl, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
});

afterAll(() => {
  data?.destroy();
});

describe('DetachPolicy and ListTargetsForPolicy', () => {
  it('pages every target exactly once with marker and pageSize', async () => {
    const policyName = await newPolicy();
    const targets = Array.from({ length: 5 }, newIdentityId);
    for (const target of targets) await sandbox.iot.send(new AttachPolicyCommand({ policyName, target }));
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await sandbox.iot.send(new ListTargetsForPolicyCommand({ policyName, pageSize: 2, marker }));
      expect((page.targets ?? []).length).toBeLessThanOrEqual(2);
      seen.push(...(page.targets ?? []));
      marker = page.nextMarker;
    } while (marker);
    expect(seen).toEqual(targets);
  });

  it('detaches a policy from one target only', async () => {
    const policyName = await newPolicy();
    const [gone, kept] = [newIdentityId(), newIdentityId()];
    await sandbox.iot.send(new AttachPolicyCommand({ policyName, target: gone }));
    await sandbox.iot.send(new AttachPolicyCommand({ policyName, target: kept }));
    await sandbox.iot.send(new DetachPolicyCommand({ policyName, target: gone }));
    expect((await sandbox.iot.send(new ListTargetsForPolicyCommand({ policyName }))).targets).toEqual([kept]);
    expect((await sandbox.iot.send(new ListAttachedPoliciesCommand({ target: gone }))).policies).toEqual([]);
  });

  it('refuses a pageSize above 250 and an unknown policy', async () => {
    const policyName = await newPolicy();
    expect((await errorOf(sandbox.iot.send(new ListTargetsForPolicyCommand({ policyName, pageSize: 251 })))).name).toBe('InvalidRequestException');
    expect((await errorOf(sandbox.iot.send(new ListTargetsForPolicyCommand({ policyName: 'no-such-policy' })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(sandbox.iot.send(new DetachPolicyCommand({ policyName: 'no-such-policy', target: newIdentityId() })))).name).toBe('ResourceNotFoundException');
  });

  it('refuses DetachPolicy signed by an identity (its role has no IoT control-plane rights)', async () => {
    const policyName = await newPolicy();
    const identityId = newIdentityId();
    await sandbox.iot.send(new AttachPolicyCommand({ policyName, target: identityId }));
    const own = new IoTClient({ region: REGION, endpoint: sandbox.core.controlPlaneUrl, credentials: sandbox.store.issueForIdentity(identityId, ROLE), maxAttempts: 1 });
    try {
      expect((await errorOf(own.send(new DetachPolicyCommand({ policyName, target: identityId })))).status).toBe(403);
      expect((await sandbox.iot.send(new ListTargetsForPolicyCommand({ policyName }))).targets).toEqual([identityId]);
    } finally {
      own.destroy();
    }
  });
});

describe('DeleteThingShadow and ListNamedShadowsForThing', () => {
  it('deletes the classic shadow and a named one independently, keeping the version', async () => {
    const thingName = `user-${randomUUID().slice(0, 8)}`;
    await data.send(new UpdateThingShadowCommand({ thingName, payload: shadowState(1) }));
    await data.send(new UpdateThingShadowCommand({ thingName, shadowName: 'prefs', payload: shadowState(2) }));
    const deleted = JSON.parse(new TextDecoder().decode((await data.send(new DeleteThingShadowCommand({ thingName }))).payload)) as { version: number };
    expect(deleted.version).toBe(1);
    expect((await errorOf(data.send(new GetThingShadowCommand({ thingName })))).name).toBe('ResourceNotFoundException');
    expect((await data.send(new GetThingShadowCommand({ thingName, shadowName: 'prefs' }))).payload).toBeTruthy();
    await data.send(new DeleteThingShadowCommand({ thingName, shadowName: 'prefs' }));
    expect((await errorOf(data.send(new GetThingShadowCommand({ thingName, shadowName: 'prefs' })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(data.send(new DeleteThingShadowCommand({ thingName, shadowName: 'prefs' })))).name).toBe('ResourceNotFoundException');
  });

  it('lists the named shadows that exist, without the classic shadow and without deleted ones', async () => {
    const thingName = `user-${randomUUID().slice(0, 8)}`;
    await data.send(new UpdateThingShadowCommand({ thingName, payload: shadowState(0) }));
    for (const shadowName of ['b', 'a', 'c']) await data.send(new UpdateThingShadowCommand({ thingName, shadowName, payload: shadowState(1) }));
    await data.send(new DeleteThingShadowCommand({ thingName, shadowName: 'b' }));
    const out = await data.send(new ListNamedShadowsForThingCommand({ thingName }));
    expect(out.results).toEqual(['a', 'c']);
    expect(out.nextToken).toBeUndefined();
    expect(out.timestamp).toBeGreaterThan(1_600_000_000);
  });

  it('pages named shadows with pageSize and nextToken', async () => {
    const thingName = `user-${randomUUID().slice(0, 8)}`;
    const names = ['s1', 's2', 's3'];
    for (const shadowName of names) await data.send(new UpdateThingShadowCommand({ thingName, shadowName, payload: shadowState(1) }));
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await data.send(new ListNamedShadowsForThingCommand({ thingName, pageSize: 2, nextToken }));
      seen.push(...(page.results ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen).toEqual(names);
  });

  it('answers an empty list for a thing without named shadows and refuses pageSize 0', async () => {
    const thingName = `user-${randomUUID().slice(0, 8)}`;
    expect((await data.send(new ListNamedShadowsForThingCommand({ thingName }))).results).toEqual([]);
    expect((await errorOf(data.send(new ListNamedShadowsForThingCommand({ thingName, pageSize: 0 })))).name).toBe('InvalidRequestException');
  });

  it('refuses an identity listing the shadows of a thing its policy does not cover', async () => {
    const identityId = newIdentityId();
    const policyName = await newPolicy();
    await sandbox.iot.send(new AttachPolicyCommand({ policyName, target: identityId }));
    const own = new IoTDataPlaneClient({ region: REGION, endpoint: sandbox.core.dataPlaneUrl, credentials: sandbox.store.issueForIdentity(identityId, ROLE), maxAttempts: 1 });
    try {
      const error = await errorOf(own.send(new ListNamedShadowsForThingCommand({ thingName: `someone-else-${randomUUID().slice(0, 8)}` })));
      expect(error).toMatchObject({ name: 'ForbiddenException', status: 403 });
    } finally {
      own.destroy();
    }
  });
});
