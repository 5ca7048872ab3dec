import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CognitoIdpServer } from '../../services/cognito-idp';
import { startWebHosting, type WebHosting } from '../../services/web-hosting';
import type { SandboxContext } from './services';
import { port } from './services';
import { STACK_APP_CLIENTS } from './user-pool';

const WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../web');

/**
 * The web app's public app client, as the stack's `webClient` (lib/constructs/user-directory.ts):
 * no secret (a page cannot keep one), SRP and refresh only. Its id is the `WebAppClientId` output.
 */
export function deployWebClient(idp: Pick<CognitoIdpServer, 'createAppClient'>, userPoolId: string): { clientId: string } {
  const { clientId, clientSecret } = idp.createAppClient(userPoolId, { clientName: 'web-app', ...STACK_APP_CLIENTS.web });
  if (clientSecret !== undefined) throw new Error('the web app client was created with a secret');
  return { clientId };
}

/**
 * Builds web/ with Vite into a fresh temporary folder (so parallel sandboxes never share one) and
 * serves it. Started before the HTTP API, whose CORS configuration needs the app's origin;
 * `setConfig` publishes config.json once the deployment is known.
 */
export async function startWebApp(ctx: SandboxContext, webPort: number | undefined): Promise<WebHosting> {
  const outDir = await mkdtemp(join(tmpdir(), 'sandbox-web-'));
  ctx.closers.push(() => rm(outDir, { recursive: true, force: true }));
  const { build } = await import('vite');
  await build({ configFile: join(WEB_ROOT, 'vite.config.ts'), root: WEB_ROOT, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const hosting = await startWebHosting({ dir: outDir, now: ctx.clock.now, ...port(webPort) });
  ctx.closers.push(() => hosting.close());
  return hosting;
}
