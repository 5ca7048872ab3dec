import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebHosting, type WebHosting } from '../../../../sandbox/services/web-hosting';
import { contentSecurityPolicy } from '../../../../web/src/content-security-policy';

const CONFIG = { region: 'us-east-1', userPoolId: 'us-east-1_pool', clientId: 'web', apiUrl: 'http://127.0.0.1:4001', iotEndpoint: '127.0.0.1:4002', mqttScheme: 'ws' as const };

let dir: string;
let hosting: WebHosting | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'web-hosting-test-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>app</title>');
  hosting = await startWebHosting({ dir });
});
afterEach(async () => {
  await hosting?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('web hosting', () => {
  it('serves index.html at / as HTML', async () => {
    const res = await fetch(hosting?.url ?? '');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    await expect(res.text()).resolves.toContain('<title>app</title>');
  });

  it('answers config.json with 503 until the deployment sets it, then with it', async () => {
    const url = `${hosting?.origin}/config.json`;
    expect((await fetch(url)).status).toBe(503);
    hosting?.setConfig(CONFIG);
    await expect((await fetch(url)).json()).resolves.toEqual(CONFIG);
  });

  it("serves the app with the Content-Security-Policy of its config, as CloudFront's headers policy does", async () => {
    hosting?.setConfig(CONFIG);
    const res = await fetch(hosting?.url ?? '');
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy(CONFIG));
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self' http://127.0.0.1:4001 ");
  });

  it('serves nothing outside its folder', async () => {
    // %2f survives URL parsing, so the decoded path climbs out of the folder unless the server refuses it.
    const res = await fetch(`${hosting?.origin}/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd`);
    expect(res.status).toBe(404);
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await fetch(hosting?.url ?? '', { method: 'POST' })).status).toBe(405);
  });
});
