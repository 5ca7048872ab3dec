import { LAMBDA_NAMES } from '../functions/handlers';

/**
 * How every Lambda is bundled. `ProductFunction` passes these to NodejsFunction's esbuild, and
 * the benchmark builds with the same values to report the sizes and cold starts that deploy.
 */
export const LAMBDA_BUNDLING = {
  minify: true,
  sourcemap: false,
  target: 'node22',
  // ESM with `module` entry points lets esbuild tree-shake the SDK's dist-es builds (about a
  // third smaller than CJS, measured); the banner gives CommonJS dependencies a `require`.
  format: 'esm',
  mainFields: ['module', 'main'],
  banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
} as const;

/** The functions of the product, by name (their folders: functions/handlers.ts). */
export const LAMBDA_SOURCES = LAMBDA_NAMES;
