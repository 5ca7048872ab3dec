import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_BUNDLING } from '../../lib/bundling';

/**
 * Builds a TypeScript command (for example ops/admin.ts) once into one JavaScript file, so a test
 * can spawn it many times with plain `node`: `node --import tsx` transpiles the whole import graph
 * again in every process (about 1.1 s each here), and even prebuilt with external packages, Node
 * reads the SDK's hundreds of files each time (0.5 s); one bundle starts in 0.25 s. Returns the
 * file to run and the directory to remove afterwards.
 */
export async function prebuildCli(entry: string): Promise<{ file: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'prebuilt-cli-'));
  const file = join(dir, 'cli.mjs');
  await build({
    entryPoints: [resolve(entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    // The same module resolution and CommonJS `require` shim the functions are bundled with.
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    banner: { js: LAMBDA_BUNDLING.banner },
  });
  return { file, dir };
}
