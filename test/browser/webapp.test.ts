import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../../sandbox/clients/browser';
import { startHarness } from '../sandbox/e2e/harness';

const missing = chromiumMissing();
// CI installs Chromium (.ci/run): there a missing browser is a failure, not a skip.
if (missing && process.env.CI) throw new Error(`the browser tests need Chromium: ${missing}`);
if (missing) process.stderr.write(`test/browser/webapp.test.ts skipped: ${missing}\n`);

describe.skipIf(missing !== undefined)('the web app in Chromium against the sandbox', () => {
  let h: Awaited<ReturnType<typeof startHarness>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** Uncaught errors of the pages: a test passes only when its pages threw none. */
  const pageErrors: string[] = [];
  /** The URL of every WebSocket each page opened (its MQTT connections). */
  const sockets = new WeakMap<Page, string[]>();

  beforeAll(async () => {
    h = await startHarness({ web: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await h?.close();
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  /** A page on the app in a new browser context (or `context`), its clock at the sandbox's time. */
  async function openApp(context?: BrowserContext): Promise<Page> {
    if (!context) {
      context = await browser.newContext();
      contexts.push(context);
    }
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // The sandbox serves the app with its Content-Security-Policy, as CloudFront does: anything the
    // policy blocks (a connection, a style, a script) fails the test, not only uncaught errors.
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
    });
    const opened: string[] = [];
    sockets.set(page, opened);
    page.on('websocket', (ws) => opened.push(ws.url()));
    // The page's timers and Date follow a clock the test can move with the sandbox's (token and
    // credential expiry are the sandbox's times); it runs at real pace until moved.
    await page.clock.install({ time: h.sandbox.clock.now() });
    await page.goto(h.sandbox.webUrl ?? '');
    return page;
  }

  async function signIn(page: Page, username: string): Promise<void> {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(h.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your devices' }).waitFor();
    // The first list waits out NotOnboarded while the sign-in's onboarding runs.
    await page.locator('#device-list[aria-busy="false"]').waitFor({ state: 'attached' });
  }

  /** A new user signed in through the page, on the "Your devices" screen with their list loaded. */
  async function signedInPage(prefix: string, context?: BrowserContext, username?: string): Promise<Page & { username: string }> {
    username ??= await h.newUser(prefix);
    const page = await openApp(context);
    await signIn(page, username);
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

  const card = (page: Page, thingName: string) => page.locator(`#device-list li[data-thing-name="${thingName}"]`);

  /** Waits until the card's field (connection, reported, desired) reads `text`. */
  const shows = (page: Page, thingName: string, field: 'connection' | 'reported' | 'desired', text: string) =>
    card(page, thingName).locator(`.${field}`, { hasText: text }).waitFor();

  /** A registered device, running the simulated firmware over mutual TLS, claimed by the page's user and serving them. */
  async function claimedDevice(page: Page & { username: string }, prefix: string) {
    const device = await h.sandbox.registerDevice(`${prefix}_${Date.now()}`);
    const firmware = await h.sandbox.startSimulatedDevice(device);
    onTestFinished(() => firmware.close());
    await expect(claim(page, device.thingName, device.claimCode)).resolves.toBe(`${device.thingName} is yours.`);
    const { identityId } = await h.app.iotAccess((await h.app.signIn(page.username, h.password)).idToken);
    await firmware.servesOwner(identityId);
    return { ...device, firmware, identityId };
  }

  async function sendCommand(page: Page, thingName: string, desired: string): Promise<string> {
    await card(page, thingName).getByLabel(`Command for ${thingName} (desired state, JSON)`).fill(desired);
    await card(page, thingName).getByRole('button', { name: 'Send' }).click();
    const status = card(page, thingName).locator('.command-status[data-outcome]');
    await status.waitFor();
    return (await status.textContent()) ?? '';
  }

  it('gives the app\'s origin as the WebAppUrl output, as web hosting does on AWS', () => {
    expect(h.sandbox.outputs.WebAppUrl).toBe(new URL(h.sandbox.webUrl ?? '').origin);
  });

  it('signs a new user up in the page, confirms the emailed code, and lands on an empty device list', async () => {
    const page = await openApp();
    const username = `web-new-${Date.now()}`;
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Email').fill(`${username}@example.com`);
    await page.getByLabel('Password').fill(h.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Confirm your account' }).waitFor();
    await expect(page.locator('#code-sent').textContent()).resolves.toMatch(/^We sent a code to \S+@\S+ \(email\)\.$/);
    const code = h.sandbox.services.idp.confirmationCode(h.sandbox.userPool.userPoolId, username) ?? '';
    await page.getByLabel('Confirmation code').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('#confirm-status', { hasText: 'That code is not the one we sent.' }).waitFor();
    await page.getByLabel('Confirmation code').fill(code);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Your devices' }).waitFor();
    await page.locator('#devices-status', { hasText: 'You have no devices yet. Claim one below.' }).waitFor();
  });

  it('says a wrong claim code does not match the device', async () => {
    const page = await signedInPage('web-wrong');
    const device = await h.sandbox.registerDevice(`web_wrong_${Date.now()}`);
    const wrong = device.claimCode.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    const message = await claim(page, device.thingName, wrong);
    expect(message).toBe(`That claim code does not match ${device.thingName}. Check the code on the device's label (letters and digits, in groups of four).`);
    await expect(page.locator('#device-list li').count()).resolves.toBe(0);
  });

  it('says when to try again after too many wrong codes: Retry-After reaches the page through CORS', async () => {
    const page = await signedInPage('web-limit');
    const device = await h.sandbox.registerDevice(`web_limit_${Date.now()}`);
    const wrong = device.claimCode.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    let message = '';
    for (let attempt = 1; attempt <= 10 && !message.startsWith('Too many'); attempt++) message = await claim(page, device.thingName, wrong);
    expect(message).toMatch(/^Too many wrong claim codes\. Try again in \d+ s\.$/);
  });

  it("claims a device, sees it come online and apply a command live, without reload; another user's page shows none of it", async () => {
    const alice = await signedInPage('web-alice');
    const device = await claimedDevice(alice, 'web_claim');
    await shows(alice, device.thingName, 'connection', 'online');
    await expect(sendCommand(alice, device.thingName, '{"power":"ON"}')).resolves.toMatch(/^Sent \(command [\w-]+\)\./);
    await shows(alice, device.thingName, 'desired', '{"power":"ON"}');
    await shows(alice, device.thingName, 'reported', '"power":"ON"');

    const bob = await signedInPage('web-bob');
    await expect(bob.locator('#device-list li').count()).resolves.toBe(0);
    await expect(bob.content()).resolves.not.toContain(device.thingName);
    const refused = await claim(bob, device.thingName, device.claimCode);
    expect(refused).toBe(`${device.thingName} already has an owner. They must release it before you can claim it.`);
    await expect(bob.content()).resolves.not.toContain('"power":"ON"');
  });

  it('refuses a command that is not a JSON object in the page, and shows the device going offline when it disconnects', async () => {
    const page = await signedInPage('web-offline');
    const device = await claimedDevice(page, 'web_offline');
    await expect(sendCommand(page, device.thingName, 'power on')).resolves.toBe('Type the desired state as JSON, e.g. {"power":"ON"}.');
    await shows(page, device.thingName, 'connection', 'online');
    await device.firmware.close();
    await shows(page, device.thingName, 'connection', 'offline');
  });

  it('releases a device from the page after a confirmation; it leaves the list', async () => {
    const page = await signedInPage('web-release');
    const device = await claimedDevice(page, 'web_release');
    page.once('dialog', (dialog) => void dialog.accept());
    await card(page, device.thingName).getByRole('button', { name: `Release ${device.thingName}` }).click();
    await card(page, device.thingName).waitFor({ state: 'detached' });
    await page.locator('#devices-status', { hasText: 'You have no devices yet.' }).waitFor();
  });

  it('keeps two tabs of one user live at once (each its own client id)', async () => {
    const first = await signedInPage('web-tabs');
    const device = await claimedDevice(first, 'web_tabs');
    const context = first.context();
    const second = await signedInPage('web-tabs', context, first.username);
    await shows(second, device.thingName, 'connection', 'online');
    await expect(sendCommand(second, device.thingName, '{"level":7}')).resolves.toMatch(/^Sent/);
    await shows(first, device.thingName, 'reported', '"level":7');
    await shows(second, device.thingName, 'reported', '"level":7');
    await expect(first.locator('#live-status').getAttribute('data-status')).resolves.toBe('live');
    // Neither tab was ever disconnected by the other (one shared client id would make them take turns).
    expect([sockets.get(first)?.length, sockets.get(second)?.length]).toEqual([1, 1]);
  });

  it('serves nothing secret: not the confidential client\'s secret, not the backend credentials, not in any file the page loads', async () => {
    const page = await openApp();
    const loaded: string[] = [];
    page.on('response', (r) => void r.text().then((t) => loaded.push(t), () => undefined));
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const config = await (await fetch(new URL('config.json', h.sandbox.webUrl))).text();
    const everything = [...loaded, config].join('\n');
    expect(loaded.length).toBeGreaterThanOrEqual(3);
    for (const secret of [h.sandbox.userPool.clientSecret, h.sandbox.env.AWS_SECRET_ACCESS_KEY]) {
      expect(secret && secret.length > 8).toBe(true);
      expect(everything).not.toContain(secret);
    }
    expect(JSON.parse(config)).toMatchObject({ clientId: h.sandbox.userPool.webClientId });
  });

  it('signs out: Cognito revokes the refresh token, and the page is back at sign-in', async () => {
    const page = await signedInPage('web-out');
    const revoked = page.waitForResponse((r) => r.request().headers()['x-amz-target'] === 'AWSCognitoIdentityProviderService.RevokeToken');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(revoked.then((r) => r.status())).resolves.toBe(200);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(page.locator('#sign-in-notice').textContent()).resolves.toBe('You are signed out.');
  });

  it('labels every control and signs in with the keyboard alone', async () => {
    const page = await openApp();
    // Inputs with no <label>, buttons with no text: what assistive technology could not name (evaluated in the page).
    const unlabelled = await page.evaluate<string[]>(
      "[...document.querySelectorAll('input, button')].filter((c) => (c.tagName === 'INPUT' ? c.labels.length === 0 : c.textContent.trim() === '')).map((c) => c.outerHTML)",
    );
    expect(unlabelled).toEqual([]);
    const username = await h.newUser('web-keys');
    await page.keyboard.press('Tab');
    await page.keyboard.type(username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(h.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your devices' }).waitFor();
    await expect(page.evaluate<string>('document.activeElement.textContent')).resolves.toBe('Your devices');
  });

  // Last: it moves the sandbox's clock an hour ahead, and back when it is done.
  it('survives the tokens and the credentials expiring: refreshes both, re-signs the live connection, keeps updating', async () => {
    const page = await signedInPage('web-refresh');
    const device = await claimedDevice(page, 'web_refresh');
    await shows(page, device.thingName, 'connection', 'online');
    const opened = sockets.get(page) ?? [];
    const before = opened.length;
    const signed = (url: string | undefined) => new URL(url ?? '').searchParams;
    const jumpMs = 56 * 60_000;
    h.sandbox.clock.advance(jumpMs);
    onTestFinished(() => h.sandbox.clock.advance(-jumpMs));
    await page.clock.fastForward(jumpMs);
    // A new connection, signed now with new credentials (another session token).
    await expect.poll(() => opened.length, { timeout: 15_000 }).toBeGreaterThan(before);
    const [previous, next] = [signed(opened[before - 1]), signed(opened[before])];
    expect(next.get('X-Amz-Security-Token')).not.toBe(previous.get('X-Amz-Security-Token'));
    const signedAt = (query: URLSearchParams) => Date.parse((query.get('X-Amz-Date') ?? '').replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    expect(signedAt(next) - signedAt(previous)).toBeGreaterThanOrEqual(jumpMs);
    await page.locator('#live-status[data-status="live"]').waitFor();
    await expect(sendCommand(page, device.thingName, '{"after":"refresh"}')).resolves.toMatch(/^Sent/);
    await shows(page, device.thingName, 'reported', '"after":"refresh"');
  });
});
