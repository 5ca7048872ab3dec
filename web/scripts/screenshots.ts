/**
 * `npm run screenshots`: the web app's main screens, in Debian's Chromium against a fresh sandbox,
 * written to docs/images/ for the README. Every screen is the real app on real data: a user signs
 * up, confirms the code, claims a simulated device (mutual TLS) and sends it a command.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startSandbox } from '../../sandbox';
import { chromiumMissing, launchChromium } from '../../sandbox/clients/browser';

const OUT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../docs/images');
const PASSWORD = 'Screens-Passw0rd!';

// The SDK's Node 20 notice is for the sandbox's own clients; it says nothing about the screens.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const missing = chromiumMissing();
if (missing) {
  process.stderr.write(`npm run screenshots needs Chromium: ${missing}\n`);
  process.exit(1);
}
mkdirSync(OUT, { recursive: true });
const sandbox = await startSandbox({ functionLogLevel: 'SILENT', web: true });
const browser = await launchChromium();
const shot = async (page: Page, name: string) => {
  await page.screenshot({ path: join(OUT, `web-${name}.png`), fullPage: true });
  process.stdout.write(`docs/images/web-${name}.png\n`);
};
try {
  const page = await (await browser.newContext({ viewport: { width: 900, height: 700 } })).newPage();
  await page.goto(sandbox.webUrl ?? '');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await shot(page, 'sign-in');

  const username = 'ada';
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Confirm your account' }).waitFor();
  await shot(page, 'confirm');
  await page.getByLabel('Confirmation code').fill(sandbox.services.idp.confirmationCode(sandbox.userPool.userPoolId, username) ?? '');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.locator('#devices-status', { hasText: 'You have no devices yet.' }).waitFor();

  const device = await sandbox.registerDevice('kitchen_lamp');
  const firmware = await sandbox.startSimulatedDevice(device);
  await page.getByLabel('Device name').fill(device.thingName);
  await page.getByLabel('Claim code').fill(device.claimCode.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')));
  await page.getByRole('button', { name: 'Claim device' }).click();
  await page.locator('#claim-status[data-outcome="refused"]').waitFor();
  await shot(page, 'claim-refused');
  await page.getByLabel('Claim code').fill(device.claimCode);
  await page.getByRole('button', { name: 'Claim device' }).click();
  const card = page.locator(`li[data-thing-name="${device.thingName}"]`);
  await card.locator('.connection', { hasText: 'online' }).waitFor();
  await card.getByLabel(/^Command for/).fill('{"power":"ON","brightness":80}');
  await card.getByRole('button', { name: 'Send' }).click();
  await card.locator('.reported', { hasText: '"brightness":80' }).waitFor();
  await shot(page, 'devices');
  await firmware.close();
} finally {
  await browser.close();
  await sandbox.close();
}
