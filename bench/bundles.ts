import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_BUNDLING, LAMBDA_SOURCES } from '../lib/bundling';
import { functionEntry } from '../lib/paths';
import { median } from './stats';

/** Configuration each handler checks at cold start; values are well-formed placeholders. */
const COLD_START_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIABENCHMARK0000000',
  AWS_SECRET_ACCESS_KEY: 'bench',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench',
  ONBOARDING_VERSION: '1',
  IDENTITY_POOL_ID: 'us-east-1:11111111-2222-3333-4444-555555555555',
  DEVELOPER_PROVIDER_NAME: 'bench',
  IOT_DATA_ENDPOINT: 'https://bench-ats.iot.us-east-1.amazonaws.com',
  USER_POOL_ID: 'us-east-1_Bench1',
  APP_CLIENT_ID: 'benchclient',
  APP_CLIENT_SECRET: 'benchsecret',
  AWS_ACCOUNT_ID: '123456789012',
  DEVICE_PREFIX: 'device_',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export interface BundleFigures {
  readonly name: string;
  readonly bytes: number;
  readonly coldInitMs: number;
}

/**
 * Builds each function exactly as CDK does (lib/bundling.ts) and measures the minified size and
 * the cold initialisation: a fresh Node process importing the bundle (module scope runs: config
 * check, client construction), median of `runs`.
 */
export async function measureBundles(runs = 10): Promise<BundleFigures[]> {
  const dir = mkdtempSync(join(tmpdir(), 'iot-onboarding-bench-'));
  const figures: BundleFigures[] = [];
  for (const name of LAMBDA_SOURCES) {
    const outfile = join(dir, `${name}.mjs`);
    await build({
      entryPoints: [functionEntry(name)],
      bundle: true,
      platform: 'node',
      outfile,
      logLevel: 'silent',
      ...LAMBDA_BUNDLING,
      mainFields: [...LAMBDA_BUNDLING.mainFields],
      banner: { js: LAMBDA_BUNDLING.banner },
    });
    const probe = join(dir, `${name}.probe.mjs`);
    writeFileSync(
      probe,
      `const t = performance.now(); await import(${JSON.stringify(outfile)}); process.stdout.write(String(performance.now() - t));`,
    );
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const child = spawnSync(process.execPath, [probe], { env: COLD_START_ENV, encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${name} failed to initialise: ${child.stderr.slice(0, 500)}`);
      samples.push(Number(child.stdout));
    }
    figures.push({ name, bytes: statSync(outfile).size, coldInitMs: median(samples) });
  }
  return figures;
}
