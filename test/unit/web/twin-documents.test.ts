import { describe, expect, it } from 'vitest';
import { applyTwinMessage, twinFilters, type TwinView } from '../../../web/src/twin-documents';

const ID = 'us-east-1:11111111-2222-3333-4444-555555555555';
const topic = (thing: string, op: string) => `$aws/things/${ID}/shadow/name/${thing}/${op}`;

function apply(t: string, payload: unknown, shown: Record<string, TwinView> = {}) {
  return applyTwinMessage(ID, t, typeof payload === 'string' ? payload : JSON.stringify(payload), (thing) => shown[thing]);
}

describe('twin documents in the page', () => {
  it("subscribes to the identity's own twins only, with one filter per message kind", () => {
    expect(twinFilters(ID)).toEqual([
      `$aws/things/${ID}/shadow/name/+/update/documents`,
      `$aws/things/${ID}/shadow/name/+/get/+`,
      `$aws/things/${ID}/shadow/name/+/delete/accepted`,
    ]);
  });

  it('takes reported and desired from an update document\'s current state', () => {
    const update = apply(topic('lamp', 'update/documents'), { previous: { state: { reported: { power: 'OFF' } }, version: 1 }, current: { state: { reported: { power: 'ON', connected: true }, desired: { power: 'ON' } }, version: 2 } });
    expect(update).toEqual({ thingName: 'lamp', twin: { exists: true, reported: { power: 'ON', connected: true }, desired: { power: 'ON' }, version: 2 } });
  });

  it('takes a get answer, and a 404 get rejection as "no twin yet"', () => {
    expect(apply(topic('lamp', 'get/accepted'), { state: { reported: { a: 1 } }, version: 5 })).toEqual({ thingName: 'lamp', twin: { exists: true, reported: { a: 1 }, version: 5 } });
    expect(apply(topic('lamp', 'get/rejected'), { code: 404, message: 'No shadow exists with name: lamp' })).toEqual({ thingName: 'lamp', twin: { exists: false } });
    expect(apply(topic('lamp', 'get/rejected'), { code: 429, message: 'Too many requests' })).toBeUndefined();
  });

  it('ignores a document older than the one shown (QoS 1 reorders), but not after a deletion', () => {
    const shown = { lamp: { exists: true, reported: { power: 'ON' }, version: 7 } };
    expect(apply(topic('lamp', 'get/accepted'), { state: { reported: { power: 'OFF' } }, version: 6 }, shown)).toBeUndefined();
    expect(apply(topic('lamp', 'get/accepted'), { state: { reported: { power: 'OFF' } }, version: 8 }, shown)?.twin.version).toBe(8);
    const deleted = { lamp: { exists: false, version: 9 } };
    expect(apply(topic('lamp', 'update/documents'), { current: { state: { reported: { connected: true } }, version: 1 } }, deleted)?.twin).toMatchObject({ exists: true, version: 1 });
  });

  it("ignores a 404 get answer while the twin is shown as existing (another tab's early answer, topics are not ordered)", () => {
    const shown = { lamp: { exists: true, reported: { connected: true }, version: 2 } };
    expect(apply(topic('lamp', 'get/rejected'), { code: 404, message: 'No shadow exists with name: lamp' }, shown)).toBeUndefined();
  });

  it('marks a deleted twin as gone', () => {
    expect(apply(topic('lamp', 'delete/accepted'), { version: 3, timestamp: 1 })).toEqual({ thingName: 'lamp', twin: { exists: false, version: 3 } });
  });

  it("ignores another identity's topics, unknown operations and malformed payloads", () => {
    expect(apply(`$aws/things/us-east-1:other/shadow/name/lamp/get/accepted`, { state: {}, version: 1 })).toBeUndefined();
    expect(apply(topic('lamp', 'update/delta'), { state: { power: 'ON' } })).toBeUndefined();
    expect(apply(topic('lamp', 'get/accepted'), '{not json')).toBeUndefined();
    expect(apply(topic('lamp', 'get/accepted'), '[1]')).toBeUndefined();
  });
});
