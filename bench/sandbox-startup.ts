import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { progress } from './fixture';
import { median } from './stats';

export interface SandboxStartupFigures {
  readonly runs: number;
  readonly readyMs: readonly number[];
  readonly medianReadyMs: number;
}

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const READY = 'Sandbox ready';
const READY_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 15_000;

/**
 * `npm start -- --serve` as a user runs it (without npm's own start-up): a child process from
 * spawn to "Sandbox ready" on its stdout, then SIGTERM and wait for it to exit.
 */
export async function benchSandboxStartup(runs: number): Promise<SandboxStartupFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'iot-onboarding-bench-serve-'));
  const readyMs: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      progress(`sandbox: start ${i + 1} of ${runs}`);
      readyMs.push(await timeOneStart(join(dir, `outputs-${i}.json`)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { runs, readyMs, medianReadyMs: median(readyMs) };
}

function timeOneStart(outputsFile: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    // Its own process group: tsx runs the sandbox in a grandchild, and the signal must reach both.
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['sandbox/main.ts', '--serve', '--outputs-file', outputsFile], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let stdout = '';
    let stderr = '';
    let readyAfter: number | undefined;
    const signal = (name: NodeJS.Signals) => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, name);
      } catch {
        // Already gone.
      }
    };
    const giveUp = setTimeout(() => {
      signal('SIGKILL');
      reject(new Error(`the sandbox did not print "${READY}" within ${READY_TIMEOUT_MS} ms; stderr: ${stderr.slice(-500)}`));
    }, READY_TIMEOUT_MS);
    let forceKill: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (readyAfter !== undefined) return;
      stdout += chunk;
      if (!stdout.includes(READY)) return;
      readyAfter = performance.now() - started;
      clearTimeout(giveUp);
      signal('SIGTERM');
      forceKill = setTimeout(() => signal('SIGKILL'), EXIT_TIMEOUT_MS);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4_000);
    });
    child.on('error', (error) => {
      clearTimeout(giveUp);
      clearTimeout(forceKill);
      reject(error);
    });
    // 'close', not 'exit': stdout closes only when the grandchild (the sandbox itself) has exited too.
    child.on('close', (code, signalName) => {
      clearTimeout(giveUp);
      clearTimeout(forceKill);
      if (readyAfter !== undefined) resolvePromise(readyAfter);
      else reject(new Error(`the sandbox exited (${signalName ?? code}) before it was ready; stderr: ${stderr.slice(-500)}`));
    });
  });
}
