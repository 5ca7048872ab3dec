import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (apt package `chromium`); .ci/run installs it. Never a browser download. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, no sandbox (containers), nothing that calls out to Google. See ../shared/gotchas.md. */
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

/** Why a real browser cannot run here, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} is missing (apt-get install -y --no-install-recommends chromium)`;
}

/** Launches Debian's Chromium through playwright-core; each context gets a fresh profile. */
export function launchChromium(): Promise<Browser> {
  // launch() gives Chromium a fresh temporary --user-data-dir of its own (and refuses one in args).
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
}
