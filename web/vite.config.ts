import { defineConfig } from 'vite';

// The app is static files plus config.json beside index.html: relative asset URLs let it be
// served from any path (the sandbox's server, an S3 prefix behind CloudFront).
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  // amazon-cognito-identity-js bundles buffer@4, which reads Node's `global` at load time.
  define: { global: 'globalThis' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
