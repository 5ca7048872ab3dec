import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveTwins, type LinkStatus } from '../../../web/src/live-twins';

const IDENTITY = 'us-east-1:11111111-2222-3333-4444-555555555555';

/**
 * A Cognito identity endpoint that hands out credentials, and an IoT WebSocket endpoint that
 * fails every connection `how`: refusing the upgrade (AWS answers 403 to a bad signature) or
 * closing right after it (no CONNACK).
 */
async function failingEndpoint(how: '403' | 'close'): Promise<{ server: Server; url: string; upgrades: () => number }> {
  let upgrades = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ IdentityId: IDENTITY, Credentials: { AccessKeyId: 'AKIA', SecretKey: 's', SessionToken: 't', Expiration: Date.now() / 1000 + 3600 } })));
  });
  server.on('upgrade', (_req, socket) => {
    upgrades++;
    if (how === '403') socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
    else socket.end('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: x\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `127.0.0.1:${port}`, upgrades: () => upgrades };
}

let running: { twins: LiveTwins; server: Server } | undefined;
afterEach(async () => {
  running?.twins.stop();
  await new Promise((resolve) => running?.server.close(resolve));
  running = undefined;
});

describe('live twins when AWS IoT refuses the connection', () => {
  it.each(['403', 'close'] as const)('keeps trying, with backoff, after a connection that fails by %s (never stuck on one attempt)', async (how) => {
    const endpoint = await failingEndpoint(how);
    const statuses: LinkStatus[] = [];
    const twins = new LiveTwins({
      config: { region: 'us-east-1', userPoolId: 'us-east-1_x', clientId: 'c', apiUrl: 'http://unused', iotEndpoint: endpoint.url, cognitoIdentityEndpoint: `http://${endpoint.url}/`, mqttScheme: 'ws' },
      api: { iotAccess: async () => ({ identityId: IDENTITY, token: 'openid', iotEndpoint: endpoint.url, region: 'us-east-1' }) },
      session: { clockSkewMs: () => 0 },
      onTwin: () => undefined,
      onStatus: (status) => statuses.push(status),
      backoffMs: { first: 50, max: 100 },
    });
    running = { twins, server: endpoint.server };
    await twins.show(['lamp']);
    await expect.poll(endpoint.upgrades, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    expect(statuses).toContain('reconnecting');
    expect(statuses).not.toContain('live');
    twins.stop();
    expect(statuses.at(-1)).toBe('stopped');
  });
});
