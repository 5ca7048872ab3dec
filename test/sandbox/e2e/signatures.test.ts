import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presignMqttUrl } from '../../../sandbox/clients/app-client';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

/** The WebSocket upgrade's HTTP status: 101 accepted, 403 refused. */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url.replace(/^ws/, 'http'), {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-protocol': 'mqtt' },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function signedUrl(overrides: Partial<{ secretAccessKey: string; accessKeyId: string }> = {}) {
  const user = await h.onboardedUser('sigv4');
  const url = await presignMqttUrl(`ws://${user.access.iotEndpoint}/mqtt`, 'us-east-1', { ...user.credentials, ...overrides });
  return { user, url };
}

describe('SigV4 on MQTT over WebSocket in the sandbox', () => {
  it('accepts a correctly presigned URL for credentials the sandbox issued', async () => {
    const { url } = await signedUrl();
    expect(await upgradeStatus(url)).toBe(101);
  });

  it('refuses a tampered query', async () => {
    const { url } = await signedUrl();
    // A signed query parameter changed by one second: still inside its validity, only the signature breaks.
    const tampered = url.replace(/X-Amz-Expires=300/, 'X-Amz-Expires=301');
    expect(tampered).not.toBe(url);
    expect(await upgradeStatus(tampered)).toBe(403);
  });

  it('refuses a signature made with the wrong secret', async () => {
    const { url } = await signedUrl({ secretAccessKey: 'not-the-secret' });
    expect(await upgradeStatus(url)).toBe(403);
  });

  it('refuses an unknown access key', async () => {
    const { url } = await signedUrl({ accessKeyId: 'ASIANOTISSUEDBYUS000' });
    expect(await upgradeStatus(url)).toBe(403);
  });

  it('refuses an expired signature date', async () => {
    const { url } = await signedUrl();
    h.sandbox.clock.advance(60 * 60_000);
    try {
      expect(await upgradeStatus(url)).toBe(403);
    } finally {
      h.sandbox.clock.advance(-60 * 60_000);
    }
  });

  it('lets an mqtt.js client with a valid signature connect with its identity id', async () => {
    const user = await h.onboardedUser('mqttjs');
    const mqtt = await h.connect(user.access, user.credentials);
    expect(mqtt.connected).toBe(true);
  });
});
