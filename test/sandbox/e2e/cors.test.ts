import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

const APP = 'http://localhost:5173';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ corsOrigins: [APP] });
}, 60_000);
afterAll(async () => h?.close());

/** A browser's preflight before `fetch(api + path, { method, headers: { authorization } })` on the app's page. */
function preflight(path: string, method: string, origin = APP) {
  return fetch(`${h.sandbox.endpoints.api}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization' },
  });
}

describe('the web app on its origin calls the deployed API (end to end)', { timeout: 60_000 }, () => {
  it.each([
    ['/devices', 'GET'],
    ['/iot/credentials', 'GET'],
    ['/devices/lamp-1/claim', 'DELETE'],
  ])('gets the stack\'s CORS answer to the preflight of %s %s', async (path, method) => {
    const res = await preflight(path, method);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-allow-methods')).toBe('DELETE,GET,POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(res.headers.get('access-control-max-age')).toBe('600');
  });

  it('reads GET /devices and GET /iot/credentials with its token, each answer carrying its origin', async () => {
    const { tokens } = await h.signInAndOnboard(await h.newUser('cors'));
    for (const path of ['/devices', '/iot/credentials']) {
      const res = await fetch(`${h.sandbox.endpoints.api}${path}`, { headers: { origin: APP, authorization: `Bearer ${tokens.idToken}` } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('access-control-allow-origin'), path).toBe(APP);
    }
  });

  it('gives another origin no CORS headers', async () => {
    const res = await preflight('/devices', 'GET', 'https://elsewhere.example.com');
    expect([...res.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });
});
