import { randomUUID } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closed } from '../../../sandbox/clients/app-client';
import { startHarness, type Harness } from './harness';

/**
 * `--serve` passes `logRefusal` a writer to stdout; here the lines are collected. Each refusal
 * class must produce exactly one line naming its cause as `npm run admin -- diagnose` does.
 */
const lines: string[] = [];
const waiters: Array<{ match: (line: string) => boolean; resolve: (line: string) => void }> = [];
let h: Harness;

function logRefusal(line: string): void {
  lines.push(line);
  for (const waiter of waiters.splice(0)) {
    if (waiter.match(line)) waiter.resolve(line);
    else waiters.push(waiter);
  }
}

/** Resolves with the first line (already logged or still to come) that contains `text`. */
function lineWith(text: string): Promise<string> {
  const seen = lines.find((l) => l.includes(text));
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => waiters.push({ match: (l) => l.includes(text), resolve }));
}

const count = (text: string) => lines.filter((l) => l.includes(text)).length;

beforeAll(async () => {
  h = await startHarness({ logRefusal });
}, 60_000);

afterAll(async () => h?.close());

describe('authorization refusals are logged with their cause', { timeout: 20_000 }, () => {
  it('a refused WebSocket upgrade: one line, cause no-identity, without the credential or signature', async () => {
    const url = `${h.sandbox.endpoints.mqttWebSocket}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDSECRETLOOKING%2F20260101%2Fus-east-1%2Fiotdevicegateway%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=${'ab'.repeat(32)}`;
    const ws = new WebSocket(url, 'mqtt');
    ws.on('error', () => undefined);
    const status = await new Promise<number | undefined>((resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.once('open', () => resolve(undefined));
    });
    expect(status).toBe(403);
    const line = await lineWith('AUTHORIZATION_FAILURE upgrade');
    expect(line).toMatch(/^AUTHORIZATION_FAILURE upgrade cause=no-identity: \/mqtt: \w+/);
    expect(line).not.toContain('AKIDSECRETLOOKING');
    expect(line).not.toContain('ab'.repeat(32));
    expect(count('AUTHORIZATION_FAILURE upgrade')).toBe(1);
  });

  it('a refused CONNECT (no client certificate on the X.509 endpoint): one line, cause certificate-refused', async () => {
    const clientId = `intruder-${randomUUID().slice(0, 8)}`;
    const error = await connectAsync(h.sandbox.endpoints.mqttTls, { clientId, ca: h.sandbox.caPem, protocolVersion: 4, reconnectPeriod: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(await lineWith(`connect clientId=${clientId}`)).toMatch(new RegExp(`^AUTHORIZATION_FAILURE connect clientId=${clientId} cause=certificate-refused: .*no client certificate`));
    expect(count(clientId)).toBe(1);
  });

  it("a refused SUBSCRIBE and PUBLISH (another thing's shadow): one line each, cause topic-outside-iot-policy", async () => {
    const device = await h.sandbox.registerDevice(`lamp-${randomUUID().slice(0, 8)}`);
    const client = h.track(await h.sandbox.connectDevice(device));
    const foreign = `$aws/things/other-${randomUUID().slice(0, 8)}/shadow/update`;

    // SUBACK 0x80: mqtt.js turns the refused grant into an error.
    expect(await client.subscribeAsync(foreign, { qos: 1 }).catch((e: unknown) => e)).toBeInstanceOf(Error);
    expect(await lineWith(`subscribe clientId=${device.thingName}`)).toContain(`cause=topic-outside-iot-policy: iot:Subscribe on`);

    const gone = closed(client);
    void client.publishAsync(foreign, '{}', { qos: 1 }).catch(() => undefined);
    await gone;
    expect(await lineWith(`publish clientId=${device.thingName}`)).toContain(`cause=topic-outside-iot-policy: iot:Publish on`);
    expect(count(`subscribe clientId=${device.thingName}`)).toBe(1);
    expect(count(`publish clientId=${device.thingName}`)).toBe(1);
  });
});
