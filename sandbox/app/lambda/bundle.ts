import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { build, version as esbuildVersion, type BuildOptions } from 'esbuild';
import { LAMBDA_BUNDLING } from '../../../lib/bundling';
import { functionEntry, PROJECT_ROOT } from '../../../lib/paths';
import { BOOTSTRAP } from './bootstrap';
import { createBundleCache } from './bundle-cache';
import type { FunctionSpec } from './types';

/** Every option the functions are built with, as CDK deploys them (lib/bundling.ts). */
const BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  outExtension: { '.js': '.mjs' },
  logLevel: 'silent',
  metafile: true,
  absWorkingDir: PROJECT_ROOT,
  ...LAMBDA_BUNDLING,
  mainFields: [...LAMBDA_BUNDLING.mainFields],
  banner: { js: LAMBDA_BUNDLING.banner },
} satisfies BuildOptions;

/**
 * Bundles kept between sandbox starts (`npm start`, every end-to-end test file), valid while
 * every input file esbuild read is unchanged. `IOT_ONBOARDING_BUNDLE_CACHE=off` builds every time.
 */
const cache = createBundleCache(join(PROJECT_ROOT, 'node_modules', '.cache', 'sandbox-lambda'), buildInto);

/** Bundles each function exactly as CDK deploys it (lib/bundling.ts) into `dir`; returns the worker bootstrap's path. */
export async function bundleFunctions(functions: Record<string, FunctionSpec>, dir: string): Promise<string> {
  const entries = Object.fromEntries(Object.entries(functions).map(([name, spec]) => [name, functionEntry(spec.source)]));
  if (!(await copyFromCache(entries, dir))) await buildInto(entries, dir);
  const bootstrap = join(dir, 'bootstrap.mjs');
  writeFileSync(bootstrap, BOOTSTRAP);
  return bootstrap;
}

/** Copies current cached bundles into `dir`; false when caching is off or the cache failed (then build). */
async function copyFromCache(entries: Record<string, string>, dir: string): Promise<boolean> {
  if (process.env.IOT_ONBOARDING_BUNDLE_CACHE === 'off') return false;
  try {
    const folder = await cache.folderFor(entries, { BUILD_OPTIONS, esbuildVersion, resolution: resolutionFingerprint(PROJECT_ROOT) });
    for (const name of Object.keys(entries)) copyFileSync(join(folder, `${name}.mjs`), join(dir, `${name}.mjs`));
    return true;
  } catch {
    return false;
  }
}

/**
 * What decides how imports resolve without being an input esbuild reports: the TypeScript
 * configuration, the installed packages (the lockfile), and which files exist under functions/
 * (a new `x.ts` next to `x/index.ts` changes what `./x` means).
 */
export function resolutionFingerprint(root: string): string {
  const hash = createHash('sha256');
  for (const file of ['tsconfig.json', 'package-lock.json']) hash.update(readFileSync(join(root, file)));
  const names = readdirSync(join(root, 'functions'), { recursive: true, encoding: 'utf8' }).sort();
  return hash.update(names.join('\n')).digest('hex');
}

/** Builds with esbuild; returns every input file it read (from the metafile), absolute. */
async function buildInto(entries: Record<string, string>, outdir: string): Promise<string[]> {
  const result = await build({ ...BUILD_OPTIONS, entryPoints: entries, outdir });
  return Object.keys(result.metafile.inputs).map((p) => (isAbsolute(p) ? p : resolve(PROJECT_ROOT, p)));
}
