import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startHarness } from '../sandbox/e2e/harness';

/** Debian's Chromium (apt package `chromium`); .ci/run installs it. No browser download. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

if (!existsSync(CHROMIUM)) {
  process.stderr.write(`test/browser/webapp.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y --no-install-recommends chromium)\n`);
}

describe.skipIf(!existsSync(CHROMIUM))('the web app in Chromium against the sandbox', () => {
  let h: Awaited<ReturnType<typeof startHarness>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** Uncaught errors of the pages: a test passes only when its pages threw none. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    h = await startHarness({ web: true });
    // launch() gives Chromium a fresh temporary --user-data-dir of its own (and refuses one in args).
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await h?.close();
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  /** A new user signed in through the page, on the "Your devices" screen with their list loaded. */
  async function signedInPage(prefix: string): Promise<Page & { username: string }> {
    const username = await h.newUser(prefix);
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(h.sandbox.webUrl ?? '');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(h.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your devices' }).waitFor();
    // The first list waits out NotOnboarded while the sign-in's onboarding runs.
    await page.locator('#device-list[aria-busy="false"]').waitFor({ state: 'attached' });
    return Object.assign(page, { username });
  }

  async function claim(page: Page, thingName: string, claimCode: string): Promise<string> {
    await page.getByLabel('Device name').fill(thingName);
    await page.getByLabel('Claim code').fill(claimCode);
    const answered = page.waitForResponse((r) => r.url().endsWith(`/devices/${thingName}/claim`) && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Claim device' }).press('Enter');
    await answered;
    const status = page.locator('#claim-status[data-outcome]');
    await status.waitFor();
    return (await status.textContent()) ?? '';
  }

  it('signs a new user in with SRP and shows an empty device list', async () => {
    const page = await signedInPage('web-empty');
    await expect(page.locator('#devices-status').textContent()).resolves.toBe('You have no devices yet. Claim one below.');
    await expect(page.locator('#device-list li').count()).resolves.toBe(0);
  });

  it('says a wrong claim code does not match the device', async () => {
    const page = await signedInPage('web-wrong');
    const device = await h.sandbox.registerDevice(`web_wrong_${Date.now()}`);
    const wrong = device.claimCode.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    const message = await claim(page, device.thingName, wrong);
    expect(message).toBe(`That claim code does not match ${device.thingName}. Check the code on the device's label (letters and digits, in groups of four).`);
    await expect(page.locator('#device-list li').count()).resolves.toBe(0);
  });

  it("claims a device with its code, lists it with its reported state; another user's page shows none of it", async () => {
    const alice = await signedInPage('web-alice');
    const device = await h.sandbox.registerDevice(`web_claim_${Date.now()}`);
    const firmware = await h.sandbox.startSimulatedDevice(device);
    onTestFinished(() => firmware.close());

    await expect(claim(alice, device.thingName, device.claimCode)).resolves.toBe(`${device.thingName} is yours.`);
    await alice.locator(`#device-list li[data-thing-name="${device.thingName}"]`).waitFor();
    // The device reports `connected: true` on alice's twin once it serves her; the page reads twins on refresh.
    const { identityId } = await h.app.iotAccess((await h.app.signIn(alice.username, h.password)).idToken);
    await firmware.servesOwner(identityId);
    await alice.getByRole('button', { name: 'Refresh' }).click();
    await alice.locator(`#device-list li[data-thing-name="${device.thingName}"] .reported`, { hasText: 'reported {"connected":true}' }).waitFor();

    const bob = await signedInPage('web-bob');
    await expect(bob.locator('#device-list li').count()).resolves.toBe(0);
    await expect(bob.content()).resolves.not.toContain(device.thingName);
    const refused = await claim(bob, device.thingName, device.claimCode);
    expect(refused).toBe(`${device.thingName} already has an owner. They must release it before you can claim it.`);
  });
});
