import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** `npm start -- <args>` as its own process (sandbox/main.ts through tsx, as the script runs it). */
function start(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'sandbox/main.ts', ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('npm start with a mistyped command line', () => {
  it('prints one line naming the unknown flag and the nearest valid one, points at --help, and exits 2 without starting', async () => {
    const run = await start(['--sreve']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('npm start: unknown option --sreve (did you mean --serve?); run with --help for usage (npm start -- --help)\n');
  });

  it('prints a bad value as one line too, not followed by the help text', async () => {
    const run = await start(['--serve', '--api-port', 'eighty']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual(['npm start: --api-port must be a port number from 1 to 65535, not "eighty"; run with --help for usage (npm start -- --help)']);
  });
});
