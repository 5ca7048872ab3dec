import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { LambdaName } from '../functions/handlers';
import { LAMBDA_BUNDLING, LAMBDA_SOURCES } from '../lib/bundling';
import { functionEntry, PROJECT_ROOT } from '../lib/paths';
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
  APP_CLIENT_SECRET_ID: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-AbCdEf',
  AWS_ACCOUNT_ID: '123456789012',
  IOT_POLICY_NAME: 'bench-user-iot',
  USER_LOOKUP_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench-user-lookup',
  GATE_NAME: 'attach',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export interface BundleFigures {
  readonly name: string;
  readonly bytes: number;
  readonly coldInitMs: number;
  /** Cold initialisations timed (the median is reported). */
  readonly runs?: number;
  /** The same function with the Powertools Tracer added (X-Ray subsegments for SDK calls). */
  readonly withTracer?: { readonly bytes: number; readonly coldInitMs: number };
}

/** What the Lambda environment gives a function with active tracing (the Tracer reads it). */
const TRACED_ENV: Record<string, string> = {
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  POWERTOOLS_TRACE_ENABLED: 'true',
  AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
  _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
};

/**
 * The function's handler plus what adopting the Powertools Tracer adds at module scope: the
 * Tracer and one captured SDK v3 client (the X-Ray SDK core comes with it).
 */
function tracedEntry(dir: string, name: LambdaName): string {
  const entry = join(dir, `${name}.traced.ts`);
  writeFileSync(
    entry,
    [
      `import { Tracer } from '@aws-lambda-powertools/tracer';`,
      `import { SFNClient } from '@aws-sdk/client-sfn';`,
      `export * from ${JSON.stringify(functionEntry(name))};`,
      `const tracer = new Tracer({ serviceName: ${JSON.stringify(name)} });`,
      `tracer.captureAWSv3Client(new SFNClient({}));`,
    ].join('\n'),
  );
  return entry;
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
    const plain = await buildAndTime(dir, name, functionEntry(name), COLD_START_ENV, runs);
    const withTracer = await buildAndTime(dir, `${name}.traced`, tracedEntry(dir, name), { ...COLD_START_ENV, ...TRACED_ENV }, runs);
    figures.push({ name, ...plain, runs, withTracer });
  }
  return figures;
}

async function buildAndTime(dir: string, label: string, entry: string, env: Record<string, string>, runs: number) {
  const outfile = join(dir, `${label}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    outfile,
    logLevel: 'silent',
    ...LAMBDA_BUNDLING,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    banner: { js: LAMBDA_BUNDLING.banner },
    // The traced entry is written outside the project: resolve packages from the project.
    nodePaths: [join(PROJECT_ROOT, 'node_modules')],
  });
  const probe = join(dir, `${label}.probe.mjs`);
  writeFileSync(probe, `const t = performance.now(); await import(${JSON.stringify(outfile)}); process.stdout.write(String(performance.now() - t));`);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, [probe], { env, encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`${label} failed to initialise: ${child.stderr.slice(0, 500)}`);
    samples.push(Number(child.stdout));
  }
  return { bytes: statSync(outfile).size, coldInitMs: median(samples) };
}
