import { spawnSync } from 'node:child_process';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Source, type ISource } from 'aws-cdk-lib/aws-s3-deployment';
import { PROJECT_ROOT } from './paths';

const WEB_DIR = `${PROJECT_ROOT}/web`;
/** Vite's CLI from the project's own node_modules: no `npx` (which may reach the registry), no global install. */
const VITE_CLI = `${PROJECT_ROOT}/node_modules/vite/bin/vite.js`;

/**
 * Builds web/ with Vite into `outputDir` (index.html and hashed assets; no config.json, which the
 * deployment generates). Synchronous, as CDK's local bundling is. Throws with Vite's own output
 * when the build fails. No source maps: theirs name the building machine's directories (relative
 * to `outputDir`), which would make the output differ by where it was built and publish the paths.
 */
export function buildWebApp(outputDir: string, configFile = `${WEB_DIR}/vite.config.ts`): void {
  const args = [VITE_CLI, 'build', '--config', configFile, '--outDir', outputDir, '--emptyOutDir', '--sourcemap', 'false', '--logLevel', 'warn'];
  const run = spawnSync(process.execPath, args, {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  if (run.error === undefined && run.status === 0) return;
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
  throw new Error(
    `webHosting: building the web app (web/) with Vite failed (${run.error?.message ?? `exit ${run.status}`}); synthesis stops here rather than fall back to Docker. ` +
      `Check that \`npm ci\` has installed vite and that \`node ${VITE_CLI} build --config ${configFile}\` works.\n${output}`,
  );
}

/**
 * The built web app as a BucketDeployment source: Vite runs at synth on this machine, so
 * `cdk synth -c webHosting=true` needs neither a prior build nor Docker. The asset is hashed by
 * its output, not by web/ (CDK's default), as the build also takes in functions/shared and the
 * dependencies: any change to what ships redeploys, and an unchanged build uploads nothing.
 */
export function webAppSource(): ISource {
  return Source.asset(WEB_DIR, {
    assetHashType: AssetHashType.OUTPUT,
    exclude: ['dist'],
    bundling: {
      // Required by the type, never pulled: the local build either succeeds or throws, and never
      // answers false (which would make CDK run this image in Docker).
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
      local: {
        tryBundle(outputDir) {
          buildWebApp(outputDir);
          return true;
        },
      },
    },
  });
}
