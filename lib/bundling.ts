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

/** The functions of the product, by folder under `functions/`. */
export const LAMBDA_SOURCES = ['post-authentication', 'resolve-identity', 'publish-welcome', 'publish-command', 'iot-authorizer',
  'offboard-resolve', 'offboard-release-devices', 'offboard-delete-shadows', 'offboard-remove-identity', 'offboard-record', 'user-lifecycle',
  'offboard-reconciler', 'policy-cleanup'] as const;
