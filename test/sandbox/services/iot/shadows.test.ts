import { describe, expect, it } from 'vitest';
import { createShadowEngine, parseShadowRequestTopic, type ShadowResult, type ShadowTransport } from '../../../../sandbox/services/iot/shadows';

const THING = 'device_lamp';
const PREFIX = `$aws/things/${THING}/shadow`;
const NOW_MS = 1_700_000_000_500;
const NOW_S = 1_700_000_000;

function setup() {
  const engine = createShadowEngine({ now: () => NOW_MS });
  const update = (body: unknown, transport: ShadowTransport = 'mqtt', thingName = THING) =>
    engine.handle({ operation: 'update', thingName, payload: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), transport });
  const get = (transport: ShadowTransport = 'mqtt', payload = '') => engine.handle({ operation: 'get', thingName: THING, payload: Buffer.from(payload), transport });
  const remove = () => engine.handle({ operation: 'delete', thingName: THING, payload: Buffer.alloc(0), transport: 'mqtt' });
  return { engine, update, get, remove };
}

function messagesByTopic(result: ShadowResult): Record<string, unknown> {
  return Object.fromEntries(result.messages.map((m) => [m.topic, JSON.parse(m.payload.toString('utf8'))]));
}

function okDocument(result: ShadowResult) {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code} ${result.error.message}`);
  return result.document;
}

function errorOf(result: ShadowResult) {
  if (result.ok) throw new Error('expected a rejection');
  return result.error;
}

describe('Device Shadow engine', () => {
  it('accepts a first update at version 1 with metadata timestamps in epoch seconds', () => {
    const { update } = setup();
    const document = okDocument(update({ state: { desired: { color: 'red', modes: ['a', 'b'] } } }));
    expect(document).toEqual({
      state: { desired: { color: 'red', modes: ['a', 'b'] } },
      metadata: { desired: { color: { timestamp: NOW_S }, modes: [{ timestamp: NOW_S }, { timestamp: NOW_S }] } },
      version: 1,
      timestamp: NOW_S,
    });
  });

  it('merges nested desired state and deletes keys set to null', () => {
    const { update, get } = setup();
    update({ state: { desired: { light: { color: 'red', level: 3 }, fan: 'on' } } });
    update({ state: { desired: { light: { level: null, blink: true }, fan: null } } });
    expect(okDocument(get('http'))).toMatchObject({ state: { desired: { light: { color: 'red', blink: true } } }, version: 2 });
    expect(okDocument(get('http')).metadata).toEqual({ desired: { light: { color: { timestamp: NOW_S }, blink: { timestamp: NOW_S } } } });
  });

  it('removes a section set to null', () => {
    const { update, get } = setup();
    update({ state: { desired: { a: 1 }, reported: { a: 2 } } });
    update({ state: { desired: null } });
    expect(okDocument(get('http')).state).toEqual({ reported: { a: 2 } });
  });

  it('replaces arrays whole', () => {
    const { update, get } = setup();
    update({ state: { reported: { colors: ['RED', 'GREEN', 'BLUE'] } } });
    update({ state: { reported: { colors: ['RED'] } } });
    expect(okDocument(get('http')).state).toEqual({ reported: { colors: ['RED'] } });
  });

  it('publishes a delta with only the desired keys that differ from reported', () => {
    const { update } = setup();
    update({ state: { reported: { color: 'green', power: 'on', light: { level: 1, mode: 'eco' } } } });
    const result = update({ state: { desired: { color: 'red', power: 'on', light: { level: 1, mode: 'max' }, extra: 5 } }, clientToken: 'tok-1' });
    expect(messagesByTopic(result)[`${PREFIX}/update/delta`]).toEqual({
      version: 2,
      timestamp: NOW_S,
      state: { color: 'red', light: { mode: 'max' }, extra: 5 },
      metadata: { color: { timestamp: NOW_S }, light: { mode: { timestamp: NOW_S } }, extra: { timestamp: NOW_S } },
      clientToken: 'tok-1',
    });
  });

  it('publishes no delta when reported already matches desired', () => {
    const { update } = setup();
    update({ state: { reported: { color: 'red' } } });
    const topics = update({ state: { desired: { color: 'red' } } }).messages.map((m) => m.topic);
    expect(topics).toEqual([`${PREFIX}/update/accepted`, `${PREFIX}/update/documents`]);
  });

  it('includes delta in a get while desired and reported differ', () => {
    const { update, get } = setup();
    update({ state: { desired: { color: 'red' }, reported: { color: 'green' } } });
    expect(okDocument(get('http')).state).toEqual({ desired: { color: 'red' }, reported: { color: 'green' }, delta: { color: 'red' } });
  });

  it('publishes previous and current documents on update/documents', () => {
    const { update } = setup();
    update({ state: { desired: { a: 1 } } });
    const documents = messagesByTopic(update({ state: { reported: { a: 1 } } }))[`${PREFIX}/update/documents`];
    expect(documents).toMatchObject({
      previous: { state: { desired: { a: 1 } }, version: 1 },
      current: { state: { desired: { a: 1 }, reported: { a: 1 } }, version: 2 },
      timestamp: NOW_S,
    });
  });

  it('increments the version on every accepted update and accepts a matching version', () => {
    const { update } = setup();
    update({ state: { desired: { a: 1 } } });
    const second = okDocument(update({ state: { desired: { a: 2 } }, version: 1 }));
    expect(second.version).toBe(2);
  });

  it('rejects a stale version with 409 Version conflict on update/rejected', () => {
    const { update } = setup();
    update({ state: { desired: { a: 1 } } });
    update({ state: { desired: { a: 2 } } });
    const result = update({ state: { desired: { a: 3 } }, version: 1, clientToken: 'c-9' });
    expect(errorOf(result)).toMatchObject({ code: 409, message: 'Version conflict', errorType: 'ConflictException' });
    expect(messagesByTopic(result)).toEqual({ [`${PREFIX}/update/rejected`]: { code: 409, message: 'Version conflict', timestamp: NOW_S, clientToken: 'c-9' } });
  });

  it('echoes the clientToken on accepted, delta and get responses', () => {
    const { update, get } = setup();
    const accepted = update({ state: { desired: { a: 1 } }, clientToken: 'abc' });
    expect(okDocument(accepted).clientToken).toBe('abc');
    expect(okDocument(get('mqtt', JSON.stringify({ clientToken: 'g-1' }))).clientToken).toBe('g-1');
  });

  it('rejects a clientToken longer than 64 bytes', () => {
    const { update } = setup();
    expect(errorOf(update({ state: { desired: { a: 1 } }, clientToken: 'x'.repeat(65) }))).toMatchObject({ code: 400, message: 'Invalid clientToken' });
  });

  it('rejects a desired section larger than 8 KB with 413', () => {
    const { update } = setup();
    const error = errorOf(update({ state: { desired: { blob: 'x'.repeat(8 * 1024) } } }));
    expect(error).toMatchObject({ code: 413, message: 'The payload exceeds the maximum size allowed', errorType: 'RequestEntityTooLargeException' });
  });

  it('rejects an update whose merged reported section would exceed 8 KB', () => {
    const { update } = setup();
    update({ state: { reported: { a: 'x'.repeat(5000) } } });
    expect(errorOf(update({ state: { reported: { b: 'y'.repeat(5000) } } })).code).toBe(413);
  });

  it('accepts a section nested 6 levels deep and rejects 7', () => {
    const { update } = setup();
    const six = { a: { b: { c: { d: { e: { f: 1 } } } } } };
    const seven = { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } };
    expect(update({ state: { desired: six } }).ok).toBe(true);
    expect(errorOf(update({ state: { desired: seven } }))).toMatchObject({
      code: 400,
      message: 'JSON contains too many levels of nesting; maximum is 6',
    });
  });

  it('rejects a payload larger than 128 KB with 413', () => {
    const { update } = setup();
    expect(errorOf(update(`{"state":{},"pad":"${'x'.repeat(128 * 1024)}"}`)).code).toBe(413);
  });

  it.each([
    ['not json', 'Invalid JSON'],
    ['{"version":1}', 'Missing required node: state'],
    ['{"state":[]}', 'State node must be an object'],
    ['{"state":{"desired":5}}', 'Desired node must be an object'],
    ['{"state":{"reported":"x"}}', 'Reported node must be an object'],
    ['{"state":{"other":{}}}', 'State contains an invalid node'],
    ['{"state":{"desired":{}},"version":"1"}', 'Invalid version'],
  ])('rejects %s with 400 "%s"', (payload, message) => {
    const { update } = setup();
    expect(errorOf(update(payload))).toMatchObject({ code: 400, message });
  });

  it('publishes nothing on rejected topics for REST callers', () => {
    const { update } = setup();
    const result = update({ state: { desired: 5 } }, 'http');
    expect(result.ok).toBe(false);
    expect(result.messages).toEqual([]);
  });

  it('answers 404 for the shadow of a thing that has none', () => {
    const { get } = setup();
    const result = get('mqtt');
    expect(errorOf(result)).toMatchObject({ code: 404, message: `No shadow exists with name: '${THING}'` });
    expect(Object.keys(messagesByTopic(result))).toEqual([`${PREFIX}/get/rejected`]);
  });

  it('keeps the version across a delete', () => {
    const { update, remove, get } = setup();
    update({ state: { desired: { a: 1 } } });
    update({ state: { desired: { a: 2 } } });
    expect(okDocument(remove())).toEqual({ version: 2, timestamp: NOW_S });
    expect(get().ok).toBe(false);
    expect(okDocument(update({ state: { desired: { a: 3 } } })).version).toBe(3);
  });

  it('keeps named shadows apart from the classic shadow', () => {
    const { engine, update } = setup();
    update({ state: { desired: { a: 1 } } });
    const named = engine.handle({ operation: 'update', thingName: THING, shadowName: 'config', payload: Buffer.from('{"state":{"desired":{"b":2}}}'), transport: 'mqtt' });
    expect(named.messages[0]?.topic).toBe(`${PREFIX}/name/config/update/accepted`);
    expect(okDocument(named).version).toBe(1);
    expect(engine.peek(THING)?.state).toEqual({ desired: { a: 1 }, delta: { a: 1 } });
  });

  it('recognises request topics and ignores response topics', () => {
    expect(parseShadowRequestTopic(`${PREFIX}/update`)).toEqual({ thingName: THING, operation: 'update' });
    expect(parseShadowRequestTopic(`${PREFIX}/name/cfg/get`)).toEqual({ thingName: THING, shadowName: 'cfg', operation: 'get' });
    expect(parseShadowRequestTopic(`${PREFIX}/update/accepted`)).toBeUndefined();
  });
});
