import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromiumMissing, launchChromium } from '../sandbox/clients/browser';
import { BENCH_PASSWORD, progress, startBenchSandbox } from './fixture';
import type { RowSink } from './rows';
import { median } from './stats';

const WEB_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../web');

export interface WebAsset {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface WebAppFigures {
  readonly buildMs: number;
  /** What a browser downloads: HTML, JS and CSS (source maps excluded). */
  readonly assets: readonly WebAsset[];
  /** Sign-in click to the first live twin update on the page; undefined without Chromium. */
  readonly firstUpdateMs?: readonly number[];
  readonly skipped?: string;
}

/**
 * The web app: its production bundle (Vite build, sizes raw and gzipped), and in Debian's Chromium
 * against the sandbox, the time from the "Sign in" click to the first live twin update shown (SRP
 * sign-in, GET /devices, GET /iot/credentials, GetCredentialsForIdentity, the WebSocket MQTT
 * connection and the twin's get answer) for a returning user with one online device.
 */
export async function benchWebApp(signIns: number): Promise<WebAppFigures> {
  const { buildMs, assets } = await buildAndMeasure();
  const missing = chromiumMissing();
  if (missing) return { buildMs, assets, skipped: missing };
  return { buildMs, assets, firstUpdateMs: await timeFirstUpdates(signIns) };
}

async function buildAndMeasure(): Promise<Pick<WebAppFigures, 'buildMs' | 'assets'>> {
  const outDir = await mkdtemp(join(tmpdir(), 'bench-web-'));
  try {
    progress('web: building the app with Vite');
    const { build } = await import('vite');
    const started = performance.now();
    await build({ configFile: join(WEB_ROOT, 'vite.config.ts'), root: WEB_ROOT, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    const buildMs = performance.now() - started;
    const files = (await readdir(outDir, { recursive: true })).map((f) => join(outDir, f));
    const assets: WebAsset[] = [];
    for (const file of files) {
      if (!['.html', '.js', '.css'].includes(extname(file)) || !(await stat(file)).isFile()) continue;
      const content = await readFile(file);
      assets.push({ file: relative(outDir, file), bytes: content.length, gzipBytes: gzipSync(content).length });
    }
    return { buildMs, assets: assets.sort((a, b) => b.bytes - a.bytes) };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

async function timeFirstUpdates(signIns: number): Promise<number[]> {
  const f = await startBenchSandbox({ web: true });
  const browser = await launchChromium();
  try {
    const [username = ''] = await f.createUsers(1, 1, 'web');
    const tokens = await f.app.signIn(username, BENCH_PASSWORD);
    const { idToken } = tokens;
    // A returning user: onboarded by this first sign-in, before the timed ones.
    await f.sandbox.services.sfn.waitForExecution(f.executionArnOf(tokens));
    const device = await f.sandbox.registerDevice(`bench_web_${Date.now()}`);
    const firmware = await f.sandbox.startSimulatedDevice(device);
    await f.app.claimDevice(idToken, device.thingName, device.claimCode);
    await firmware.servesOwner((await f.app.iotAccess(idToken)).identityId);
    const times: number[] = [];
    for (let i = 0; i < signIns; i++) {
      progress(`web: sign-in ${i + 1} of ${signIns} in Chromium`);
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(f.sandbox.webUrl ?? '');
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(BENCH_PASSWORD);
      const started = performance.now();
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator(`li[data-thing-name="${device.thingName}"] .connection`, { hasText: 'online' }).waitFor({ timeout: 30_000 });
      times.push(performance.now() - started);
      await context.close();
    }
    await firmware.close();
    return times;
  } finally {
    await browser.close();
    await f.close();
  }
}

/** The web phase's rows. */
export function webAppRows(w: WebAppFigures, add: RowSink, ms: (v: number) => string): void {
  const s = 'Web app';
  const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  const total = w.assets.reduce((sum, a) => ({ bytes: sum.bytes + a.bytes, gzip: sum.gzip + a.gzipBytes }), { bytes: 0, gzip: 0 });
  add({ section: s, metric: 'bundle a browser downloads (HTML, JS, CSS)', value: `${kB(total.bytes)} (${kB(total.gzip)} gzipped), ${w.assets.length} files` });
  const largest = w.assets[0];
  if (largest) add({ section: s, metric: 'largest file', value: `${largest.file}: ${kB(largest.bytes)} (${kB(largest.gzipBytes)} gzipped)` });
  add({ section: s, metric: 'Vite production build', value: ms(w.buildMs) });
  if (w.firstUpdateMs && w.firstUpdateMs.length > 0) {
    const sorted = [...w.firstUpdateMs].sort((a, b) => a - b);
    add({ section: s, metric: `sign-in click to first live twin update, Chromium (median of ${sorted.length})`, value: `${ms(median(sorted))} (${sorted.map(ms).join(', ')})` });
  } else {
    add({ section: s, metric: 'sign-in click to first live twin update', value: `not measured: ${w.skipped ?? 'no sign-in'}` });
  }
}
