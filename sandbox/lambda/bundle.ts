import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_BUNDLING } from '../../lib/bundling';
import { functionEntry } from '../../lib/paths';
import { BOOTSTRAP } from './bootstrap';
import type { FunctionSpec } from './types';

/** Bundles each function exactly as CDK deploys it (lib/bundling.ts) into `dir`; returns the worker bootstrap's path. */
export async function bundleFunctions(functions: Record<string, FunctionSpec>, dir: string): Promise<string> {
  const entryPoints = Object.fromEntries(Object.entries(functions).map(([name, spec]) => [name, functionEntry(spec.source)]));
  await build({
    entryPoints,
    bundle: true,
    platform: 'node',
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
    ...LAMBDA_BUNDLING,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    banner: { js: LAMBDA_BUNDLING.banner },
  });
  const bootstrap = join(dir, 'bootstrap.mjs');
  writeFileSync(bootstrap, BOOTSTRAP);
  return bootstrap;
}
