import { ApiCors, assertCorsOrigins, corsAllowMethods } from '../../../functions/shared/api-cors';
import { ApiRoutes } from '../../../functions/shared/routes';
import { startHttpApi, type HttpApiCors } from '../../services/apigateway/http-api';
import type { SandboxOptions } from '../options';
import type { LambdaRuntime } from '../lambda';
import type { DeployedIdentity } from './identity';
import { port, type SandboxContext, type SandboxServices } from './services';

/**
 * The HTTP API: every product route behind the user pool's JWT authorizer, served by the command
 * function; with `corsOrigins`, the stack's CORS configuration (lib/constructs/command-api.ts).
 */
export async function startApi(
  ctx: SandboxContext,
  options: Pick<SandboxOptions, 'ports' | 'corsOrigins'>,
  { idp }: SandboxServices,
  directory: DeployedIdentity,
  lambda: LambdaRuntime,
  /** App clients besides the stack's whose ID tokens the authorizer accepts (the web app's). */
  otherClientIds: readonly string[] = [],
) {
  const { pool, client } = directory;
  const cors = corsConfiguration(options.corsOrigins);
  const api = await startHttpApi({
    now: ctx.clock.now,
    ...port(options.ports?.api),
    ...(cors ? { cors } : {}),
    jwt: { issuer: pool.issuer, audience: [client.clientId, ...otherClientIds], jwks: () => idp.jwks(pool.userPoolId) },
    routes: Object.values(ApiRoutes).map((routeKey) => ({
      routeKey,
      authorize: true,
      handler: (event) => lambda.invoke('publish-command', event) as never,
    })),
  });
  ctx.closers.push(() => api.close());
  return api;
}

/** As the stack's `corsPreflight`: the same methods, headers and max age (functions/shared/api-cors.ts). */
function corsConfiguration(origins: readonly string[] | undefined): HttpApiCors | undefined {
  if (!origins?.length) return undefined;
  assertCorsOrigins(origins, 'corsOrigins has');
  return { allowOrigins: origins, allowMethods: corsAllowMethods(), allowHeaders: ApiCors.allowHeaders, exposeHeaders: ApiCors.exposeHeaders, maxAgeSeconds: ApiCors.maxAgeSeconds };
}
