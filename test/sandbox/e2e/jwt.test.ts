import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppClient, jwtClaims } from '../../../sandbox/clients/app-client';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claimsOf = jwtClaims;

describe('the command API\'s JWT checks in the sandbox', () => {
  it('accepts the user\'s current ID token', async () => {
    const user = await h.onboardedUser('jwt');
    await expect(h.app.iotAccess(user.tokens.idToken)).resolves.toMatchObject({ identityId: user.access.identityId });
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const user = await h.onboardedUser('forged');
    const [header, , signature] = user.tokens.idToken.split('.');
    const forged = `${header}.${b64url({ ...claimsOf(user.tokens.idToken), sub: '00000000-0000-4000-8000-000000000000' })}.${signature}`;
    await expect(h.app.iotAccess(forged)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses an expired token', async () => {
    const user = await h.onboardedUser('expired');
    const exp = Number(claimsOf(user.tokens.idToken).exp) * 1000;
    const jump = exp - h.sandbox.clock.now() + 60_000;
    h.sandbox.clock.advance(jump);
    try {
      await expect(h.app.iotAccess(user.tokens.idToken)).rejects.toMatchObject({ status: 401 });
    } finally {
      h.sandbox.clock.advance(-jump);
    }
  });

  it('refuses a token issued to another app client (wrong audience)', async () => {
    const user = await h.onboardedUser('audience');
    const other = h.sandbox.services.idp.createAppClient(h.sandbox.userPool.userPoolId, { generateSecret: true });
    const otherApp = new AppClient({ ...h.app.config, clientId: other.clientId, clientSecret: other.clientSecret ?? '' });
    const tokens = await otherApp.signIn(user.username, h.password);
    expect(claimsOf(tokens.idToken).aud).toBe(other.clientId);
    await expect(h.app.iotAccess(tokens.idToken)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses an access token where the API expects an ID token (wrong token use)', async () => {
    const user = await h.onboardedUser('use');
    await expect(h.app.iotAccess(user.tokens.accessToken)).rejects.toMatchObject({ status: 401, code: 'Unauthenticated' });
  });

  it('refuses a request without a token', async () => {
    const response = await fetch(`${h.sandbox.endpoints.api}/iot/credentials`);
    expect(response.status).toBe(401);
  });
});
