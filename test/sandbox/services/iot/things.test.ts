import { randomUUID } from 'node:crypto';
import {
  AttachThingPrincipalCommand,
  CreateThingCommand,
  DeleteThingCommand,
  DescribeThingCommand,
  DetachThingPrincipalCommand,
  ListPrincipalThingsCommand,
  ListThingPrincipalsCommand,
  ListThingsCommand,
  UpdateThingCommand,
} from '@aws-sdk/client-iot';
import { describe, expect, it } from 'vitest';
import { fileFixture } from '../../../support/file-fixture';
import { iotCoreFixture } from '../../../support/iot-core-fixture';

const sandbox = fileFixture(() => iotCoreFixture());

const name = (prefix = 'thing') => `${prefix}-${randomUUID().slice(0, 8)}`;
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as { name: string; $metadata: { httpStatusCode?: number }; message: string });

describe('IoT thing registry (client-iot)', () => {
  it('creates a thing and describes it at version 1 with its attributes', async () => {
    const thingName = name();
    const created = await sandbox.iot.send(new CreateThingCommand({ thingName, attributePayload: { attributes: { color: 'red' } } }));
    expect(created.thingArn).toBe(`arn:aws:iot:us-east-1:000000000000:thing/${thingName}`);
    const described = await sandbox.iot.send(new DescribeThingCommand({ thingName }));
    expect(described).toMatchObject({ thingName, thingId: created.thingId, thingArn: created.thingArn, attributes: { color: 'red' }, version: 1, defaultClientId: thingName });
  });

  it('answers CreateThing again with the same configuration, and refuses a different one', async () => {
    const thingName = name();
    const first = await sandbox.iot.send(new CreateThingCommand({ thingName, attributePayload: { attributes: { a: '1' } } }));
    const again = await sandbox.iot.send(new CreateThingCommand({ thingName, attributePayload: { attributes: { a: '1' } } }));
    expect(again.thingId).toBe(first.thingId);
    const error = await failure(sandbox.iot.send(new CreateThingCommand({ thingName, attributePayload: { attributes: { a: '2' } } })));
    expect(error?.name).toBe('ResourceAlreadyExistsException');
  });

  it('refuses invalid thing names and attribute values', async () => {
    expect((await failure(sandbox.iot.send(new CreateThingCommand({ thingName: 'bad/name' }))))?.name).toBe('InvalidRequestException');
    const tooLong = 'x'.repeat(801);
    expect((await failure(sandbox.iot.send(new CreateThingCommand({ thingName: name(), attributePayload: { attributes: { a: tooLong } } }))))?.name).toBe('InvalidRequestException');
    expect((await failure(sandbox.iot.send(new CreateThingCommand({ thingName: name(), attributePayload: { attributes: { a: 'has space' } } }))))?.name).toBe('InvalidRequestException');
    const ok = await sandbox.iot.send(new CreateThingCommand({ thingName: name(), attributePayload: { attributes: { a: 'x'.repeat(800), b: 'us-east-1:ab_c.d,e@f/g#h-i' } } }));
    expect(ok.thingName).toBeDefined();
  });

  it('refuses a fourth attribute on a thing without a thing type', async () => {
    const attributes = { a: '1', b: '2', c: '3', d: '4' };
    expect((await failure(sandbox.iot.send(new CreateThingCommand({ thingName: name(), attributePayload: { attributes } }))))?.name).toBe('InvalidRequestException');
  });

  it('merges attributes with merge=true, where an empty value removes one, and replaces them otherwise', async () => {
    const thingName = name();
    await sandbox.iot.send(new CreateThingCommand({ thingName, attributePayload: { attributes: { a: '1', b: '2' } } }));
    await sandbox.iot.send(new UpdateThingCommand({ thingName, attributePayload: { attributes: { b: '', c: '3' }, merge: true } }));
    expect((await sandbox.iot.send(new DescribeThingCommand({ thingName }))).attributes).toEqual({ a: '1', c: '3' });
    await sandbox.iot.send(new UpdateThingCommand({ thingName, attributePayload: { attributes: { z: '9' } } }));
    const described = await sandbox.iot.send(new DescribeThingCommand({ thingName }));
    expect(described.attributes).toEqual({ z: '9' });
    expect(described.version).toBe(3);
  });

  it('sets and removes a thing type', async () => {
    const thingName = name();
    await sandbox.iot.send(new CreateThingCommand({ thingName }));
    await sandbox.iot.send(new UpdateThingCommand({ thingName, thingTypeName: 'Lamp' }));
    expect((await sandbox.iot.send(new DescribeThingCommand({ thingName }))).thingTypeName).toBe('Lamp');
    await sandbox.iot.send(new UpdateThingCommand({ thingName, removeThingType: true }));
    expect((await sandbox.iot.send(new DescribeThingCommand({ thingName }))).thingTypeName).toBeUndefined();
  });

  it('applies an update with the expected version and refuses a stale one with VersionConflictException', async () => {
    const thingName = name();
    await sandbox.iot.send(new CreateThingCommand({ thingName }));
    await sandbox.iot.send(new UpdateThingCommand({ thingName, expectedVersion: 1, attributePayload: { attributes: { owner: 'alice' }, merge: true } }));
    const stale = await failure(sandbox.iot.send(new UpdateThingCommand({ thingName, expectedVersion: 1, attributePayload: { attributes: { owner: 'bob' }, merge: true } })));
    expect(stale?.name).toBe('VersionConflictException');
    expect(stale?.$metadata.httpStatusCode).toBe(409);
    expect((await sandbox.iot.send(new DescribeThingCommand({ thingName }))).attributes).toEqual({ owner: 'alice' });
  });

  it('lets exactly one of two racing conditional updates win', async () => {
    const thingName = name();
    await sandbox.iot.send(new CreateThingCommand({ thingName }));
    const race = await Promise.allSettled(['alice', 'bob'].map((owner) => sandbox.iot.send(new UpdateThingCommand({ thingName, expectedVersion: 1, attributePayload: { attributes: { owner }, merge: true } }))));
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('answers ResourceNotFoundException for an unknown thing', async () => {
    expect((await failure(sandbox.iot.send(new DescribeThingCommand({ thingName: name() }))))?.name).toBe('ResourceNotFoundException');
    expect((await failure(sandbox.iot.send(new UpdateThingCommand({ thingName: name(), attributePayload: { attributes: { a: '1' } } }))))?.name).toBe('ResourceNotFoundException');
  });

  it('filters ListThings by attribute and pages with nextToken', async () => {
    const tag = `t${randomUUID().slice(0, 8)}`;
    const names = [name('p'), name('p'), name('p')];
    for (const thingName of names) await sandbox.iot.send(new CreateThingCommand({ thingName, attributePayload: { attributes: { batch: tag } } }));
    await sandbox.iot.send(new CreateThingCommand({ thingName: name('p'), attributePayload: { attributes: { batch: 'other' } } }));
    const first = await sandbox.iot.send(new ListThingsCommand({ attributeName: 'batch', attributeValue: tag, maxResults: 2 }));
    expect(first.things).toHaveLength(2);
    expect(first.nextToken).toBeDefined();
    const second = await sandbox.iot.send(new ListThingsCommand({ attributeName: 'batch', attributeValue: tag, maxResults: 2, nextToken: first.nextToken }));
    expect(second.nextToken).toBeUndefined();
    const listed = [...(first.things ?? []), ...(second.things ?? [])];
    expect(listed.map((t) => t.thingName).sort()).toEqual([...names].sort());
    expect(listed[0]).toMatchObject({ attributes: { batch: tag }, version: 1 });
  });

  it('deletes a thing with the expected version and refuses a stale one', async () => {
    const thingName = name();
    await sandbox.iot.send(new CreateThingCommand({ thingName }));
    expect((await failure(sandbox.iot.send(new DeleteThingCommand({ thingName, expectedVersion: 7 }))))?.name).toBe('VersionConflictException');
    await sandbox.iot.send(new DeleteThingCommand({ thingName, expectedVersion: 1 }));
    expect((await failure(sandbox.iot.send(new DescribeThingCommand({ thingName }))))?.name).toBe('ResourceNotFoundException');
    // Deleting a thing that does not exist succeeds (API_DeleteThing).
    await sandbox.iot.send(new DeleteThingCommand({ thingName }));
  });

  it('attaches, lists and detaches thing principals, and refuses to delete a thing with one attached', async () => {
    const thingName = name();
    const principal = `arn:aws:iot:us-east-1:000000000000:cert/${'ab'.repeat(32)}`;
    await sandbox.iot.send(new CreateThingCommand({ thingName }));
    await sandbox.iot.send(new AttachThingPrincipalCommand({ thingName, principal }));
    await sandbox.iot.send(new AttachThingPrincipalCommand({ thingName, principal }));
    expect((await sandbox.iot.send(new ListThingPrincipalsCommand({ thingName }))).principals).toEqual([principal]);
    expect((await sandbox.iot.send(new ListPrincipalThingsCommand({ principal }))).things).toContain(thingName);
    expect((await failure(sandbox.iot.send(new DeleteThingCommand({ thingName }))))?.name).toBe('InvalidRequestException');
    await sandbox.iot.send(new DetachThingPrincipalCommand({ thingName, principal }));
    expect((await sandbox.iot.send(new ListThingPrincipalsCommand({ thingName }))).principals).toEqual([]);
    await sandbox.iot.send(new DeleteThingCommand({ thingName }));
  });

  it('refuses to attach a principal to an unknown thing', async () => {
    const error = await failure(sandbox.iot.send(new AttachThingPrincipalCommand({ thingName: name(), principal: 'us-east-1:abc' })));
    expect(error?.name).toBe('ResourceNotFoundException');
  });
});
