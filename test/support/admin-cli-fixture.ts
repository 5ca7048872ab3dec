import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness } from '../sandbox/e2e/harness';
import { fileFixture } from './file-fixture';
import { prebuildCli } from './prebuilt-cli';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs node with exactly `env` (an undefined value leaves the variable out). */
function runProcess(nodeArgs: string[], env: Record<string, string | undefined>, cwd?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { ...(cwd ? { cwd } : {}), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A running sandbox whose outputs file is in a fresh directory, and `npm run admin` against it as
 * its own process (ops/admin.ts built once; async, since the sandbox serves from this process):
 * for the calling test file, started before its tests and removed after them.
 */
export function adminCliFixture(prefix: string) {
  return fileFixture(async () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const outputsFile = join(dir, 'outputs.json');
    const [h, cli] = await Promise.all([startHarness({ outputsFile }), prebuildCli('ops/admin.ts')]);
    /** Runs node with `nodeArgs` against the sandbox, the outputs file as default target. */
    const runNode = (nodeArgs: string[], env: Record<string, string | undefined> = {}, cwd?: string): Promise<CliRun> => {
      const sandboxEnv = Object.fromEntries(Object.entries(h.sandbox.env).filter(([k]) => !k.startsWith('IOT_ONBOARDING_')));
      return runProcess(nodeArgs, { PATH: process.env.PATH, HOME: process.env.HOME, AWS_EC2_METADATA_DISABLED: 'true', ...sandboxEnv, ...env, IOT_ONBOARDING_OUTPUTS_FILE: env.IOT_ONBOARDING_OUTPUTS_FILE ?? outputsFile }, cwd);
    };
    /**
     * `npm run admin -- … --outputs-file <file>` in a shell where nothing was exported: no sandbox
     * variables, no credentials or config files, only PATH and HOME (`env` adds to that).
     */
    const adminWithFileOnly = (args: string[], file = outputsFile, env: Record<string, string> = {}): Promise<CliRun> =>
      runProcess([cli.file, ...args, '--outputs-file', file], { PATH: process.env.PATH, HOME: process.env.HOME, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), ...env });
    return {
      h,
      dir,
      outputsFile,
      runNode,
      /** `npm run admin -- …` from the prebuilt bundle. */
      admin: (args: string[], env: Record<string, string | undefined> = {}, cwd?: string) => runNode([cli.file, ...args], env, cwd),
      adminWithFileOnly,
      async close() {
        await h.close();
        rmSync(dir, { recursive: true, force: true });
        rmSync(cli.dir, { recursive: true, force: true });
      },
    };
  });
}
