import { afterEach, describe, expect, it } from 'vitest';
import { withAnyOriginCors } from '../../../sandbox/wire/browser-cors';
import { sendJson, startHttpServer, type StartedServer } from '../../../sandbox/wire/http';

let server: StartedServer | undefined;
afterEach(async () => server?.close());

async function start(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  server = await startHttpServer(
    withAnyOriginCors((req, _body, res) => {
      seen.push(req.method ?? '');
      sendJson(res, 200, {});
    }),
  );
  return { url: server.url, seen };
}

describe('Cognito endpoints answer browsers of any origin', () => {
  it('answers a preflight itself, allowing the headers asked for', async () => {
    const { url, seen } = await start();
    const res = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type,x-amz-target');
    expect(seen).toEqual([]);
  });

  it('adds the allowed origin to the service answer of a cross-origin call', async () => {
    const { url, seen } = await start();
    const res = await fetch(url, { method: 'POST', headers: { origin: 'http://app.test' }, body: '{}' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-amzn-errortype');
    expect(seen).toEqual(['POST']);
  });

  it('adds nothing to a call without an Origin (SDKs outside a browser)', async () => {
    const { url } = await start();
    const res = await fetch(url, { method: 'POST', body: '{}' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
