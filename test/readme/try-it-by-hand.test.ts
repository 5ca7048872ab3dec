import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The README's "Try it by hand", run as a person would: `npm start -- --serve` in one process, then
 * every other shell block of the section, in order, in one fresh shell that has nothing but PATH and
 * HOME. The only change to the blocks: the sandbox's folder `.sandbox/` is this test's temporary one,
 * so a sandbox the developer is running is left alone. The README cannot drift from what works.
 */
const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const SECTION = '## Try it by hand';
/** The whole walk-through, the fault's 30 s of retries included. */
const SCRIPT_DEADLINE_MS = 240_000;

/** The ```sh blocks of the README's section, each as its text. */
export function shellBlocks(readme: string, section: string): string[] {
  const start = readme.indexOf(`${section}\n`);
  if (start < 0) throw new Error(`the README has no "${section}" section`);
  const next = readme.indexOf('\n## ', start + section.length);
  const body = readme.slice(start, next < 0 ? undefined : next);
  return [...body.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
}

let dir: string;
let sandbox: ChildProcess;

/** A process in its own group, so that it and everything it started can be stopped together. */
function stopGroup(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return Promise.resolve();
  }
  return exited;
}

const freshShellEnv = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'readme-'));
  sandbox = spawn('npm', ['start', '--silent', '--', '--serve', '--outputs-file', join(dir, 'outputs.json')], { cwd: ROOT, env: { ...freshShellEnv(), POWERTOOLS_LOG_LEVEL: 'ERROR' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  await new Promise<void>((ready, failed) => {
    sandbox.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('stops the sandbox.')) ready();
    });
    sandbox.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    sandbox.once('exit', (code) => failed(new Error(`npm start -- --serve exited with ${code}: ${out}`)));
  });
});

afterAll(async () => {
  await stopGroup(sandbox);
  rmSync(dir, { recursive: true, force: true });
});

describe("the README's Try it by hand", () => {
  it('runs every block as printed against npm start -- --serve: a user, a device claimed and commanded, the AWS CLI, a fault and its redrive', async () => {
    const blocks = shellBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'), SECTION);
    expect(blocks[0]).toMatch(/^# terminal 1\nnpm start -- --serve\n$/);
    const script = ['set -eu', ...blocks.slice(1)].join('\n').replaceAll('.sandbox/', `${dir}/`);
    const shell = spawn('bash', ['-c', script], { cwd: ROOT, env: freshShellEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    shell.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    shell.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = setTimeout(() => void stopGroup(shell), SCRIPT_DEADLINE_MS);
    const code = await new Promise<number | null>((done) => shell.once('exit', done));
    clearTimeout(deadline);
    // The device runs in the background of that shell, which has exited: stop the rest of its group.
    try {
      process.kill(-(shell.pid ?? 0), 'SIGTERM');
    } catch {
      // Nothing left.
    }
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    if (process.env.README_TEST_DEBUG) process.stderr.write(stdout);
    expect(stdout).toMatch(/^\{"devices":\[\]\}$/m);
    expect(stdout).toMatch(/^\{"thingName":"kitchen_lamp","claimed":true\}$/m);
    expect(stdout).toMatch(/kitchen_lamp: applied \{"power":"ON"\}/);
    expect(stdout).toMatch(/^onboard-\S+\s+SUCCEEDED$/m);
    expect(stdout).toContain('"custom:iot_onboarded"');
    expect(stdout).toMatch(/^bob\s+FAILED\s+PublishWelcome\s+UpstreamUnavailable\s/m);
    expect(stdout).toContain('redriven 1, restarted 0, skipped 0, errors 0');
  });
});
