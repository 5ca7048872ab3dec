import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * `npm start -- --serve` as a person runs it, stopped by a signal as a person or a supervisor
 * sends it: the whole chain (npm, the sandbox) must exit cleanly and leave no process and no
 * listening port behind. Linux: the process group is read from /proc.
 */
const READY = 'stops the sandbox.';
const STOP_WITHIN_MS = 15_000;

let started: { npm: ChildProcess; dir: string } | undefined;

afterEach(() => {
  if (!started) return;
  const { npm, dir } = started;
  started = undefined;
  // A failed test must not leave its sandbox running: its own process group goes.
  if (npm.pid !== undefined && groupMembers(npm.pid).length > 0) process.kill(-npm.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `npm start -- --serve` in its own process group (every port ephemeral) and waits for the ready line. */
async function startServing(): Promise<{ npm: ChildProcess; ports: number[]; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }> {
  const dir = mkdtempSync(join(tmpdir(), 'serve-stop-'));
  const outputsFile = join(dir, 'outputs.json');
  const npm = spawn('npm', ['start', '--silent', '--', '--serve', '--outputs-file', outputsFile], {
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started = { npm, dir };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.once('exit', (code, signal) => resolve({ code, signal })));
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    npm.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes(READY)) resolve();
    });
    void exited.then(({ code }) => reject(new Error(`npm start exited with ${code} before it was ready: ${stdout}`)));
  });
  return { npm, ports: portsOf(outputsFile), exited };
}

/** Every port the outputs file names (each endpoint, the API, the control API). */
function portsOf(outputsFile: string): number[] {
  const outputs = Object.values(JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, unknown>>)[0] ?? {};
  const urls = Object.values(outputs).filter((v): v is string => typeof v === 'string' && /^\w+:\/\/127\.0\.0\.1:\d+/.test(v));
  return [...new Set(urls.map((url) => Number(new URL(url).port)))];
}

/** The live processes of a process group (zombies have exited: their ports are closed). */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so read after its ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
    } catch {
      // The process ended while we read.
    }
  }
  return members;
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** Polls until `holds` or the deadline: a child process has no event for "its grandchildren are gone". */
async function within<T>(ms: number, read: () => T | Promise<T>, holds: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (holds(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}

describe.skipIf(process.platform !== 'linux')('npm start -- --serve stopped by a signal', () => {
  it.each([
    ['SIGTERM', "npm's pid (kill <pid>)", 'pid'],
    ['SIGINT', "npm's pid", 'pid'],
    ['SIGINT', 'the whole process group (Ctrl-C in a terminal)', 'group'],
  ] as const)('exits 0 on %s sent to %s, leaving no process and no port behind', async (signal, _to, target) => {
    const { npm, ports, exited } = await startServing();
    const pgid = npm.pid as number;
    expect(ports.length).toBeGreaterThanOrEqual(10);
    expect(groupMembers(pgid).length).toBeGreaterThanOrEqual(2);

    process.kill(target === 'group' ? -pgid : pgid, signal);
    const exit = await Promise.race([exited, sleep(STOP_WITHIN_MS).then(() => 'still running' as const)]);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(await within(5_000, () => groupMembers(pgid), (left) => left.length === 0)).toEqual([]);
    const open = [];
    for (const port of ports) if (!(await refused(port))) open.push(port);
    expect(open).toEqual([]);
  });
});
