import { ApiRoutes } from '../../../functions/shared/routes';
import { startHttpApi } from '../../services/apigateway/http-api';
import type { LambdaRuntime } from '../lambda';
import type { DeployedIdentity } from './identity';
import { port, type SandboxContext, type SandboxServices } from './services';

/** The HTTP API: every product route behind the user pool's JWT authorizer, served by the command function. */
export async function startApi(ctx: SandboxContext, apiPort: number | undefined, { idp }: SandboxServices, directory: DeployedIdentity, lambda: LambdaRuntime) {
  const { pool, client } = directory;
  const api = await startHttpApi({
    now: ctx.clock.now,
    ...port(apiPort),
    jwt: { issuer: pool.issuer, audience: [client.clientId], jwks: () => idp.jwks(pool.userPoolId) },
    routes: Object.values(ApiRoutes).map((routeKey) => ({
      routeKey,
      authorize: true,
      handler: (event) => lambda.invoke('publish-command', event) as never,
    })),
  });
  ctx.closers.push(() => api.close());
  return api;
}
