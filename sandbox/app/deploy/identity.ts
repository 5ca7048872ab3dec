import { IDENTITY_ID_ATTRIBUTE, ONBOARDED_ATTRIBUTE } from '../../../functions/shared/workflows/onboarding';
import type { CognitoIdpServer } from '../../services/cognito-idp';
import type { LambdaRuntime } from '../lambda';
import { AUTHENTICATED_ROLE_ARN, DEVELOPER_PROVIDER, SANDBOX_STACK, functionArn } from './names';
import type { SandboxServices } from './services';
import { STACK_APP_CLIENTS, stackUserPoolSettings } from './user-pool';

/**
 * The user directory as the stack creates it: the user pool with the stack's settings (its
 * LambdaConfig names the post-authentication function) and the onboarding attributes (read-only
 * to clients), its app client (secret; USER_PASSWORD_AUTH, USER_SRP_AUTH and refresh, as lib/constructs/user-directory.ts enables them), the secret stored for the authorizer
 * (lib/constructs/iot-custom-authorizer.ts), and the identity pool (developer provider only).
 */
export function deployIdentity({ idp, identity, secretsManager }: Pick<SandboxServices, 'idp' | 'identity' | 'secretsManager'>) {
  const readOnlyAttributes = [ONBOARDED_ATTRIBUTE, IDENTITY_ID_ATTRIBUTE];
  const pool = idp.createUserPool({ name: `${SANDBOX_STACK}-users`, readOnlyAttributes, settings: stackUserPoolSettings(functionArn('post-authentication')) });
  const { clientId, clientSecret } = idp.createAppClient(pool.userPoolId, STACK_APP_CLIENTS.app);
  if (!clientSecret) throw new Error('the sandbox app client was created without a secret');
  const appClientSecret = secretsManager.createSecret(`${SANDBOX_STACK}-app-client-secret`, clientSecret);
  const { identityPoolId } = identity.createIdentityPool({ developerProviderName: DEVELOPER_PROVIDER, authenticatedRoleArn: AUTHENTICATED_ROLE_ARN });
  return { pool, client: { clientId, clientSecret }, appClientSecretArn: appClientSecret.arn, identityPoolId };
}

export type DeployedIdentity = ReturnType<typeof deployIdentity>;

/** Makes every function of the Lambda runtime invocable by its ARN, so a pool's LambdaConfig can name it as a trigger. */
export function registerTriggerFunctions(idp: Pick<CognitoIdpServer, 'registerFunction'>, lambda: LambdaRuntime): void {
  for (const name of lambda.functionNames) idp.registerFunction(functionArn(name), (event) => lambda.invoke(name, event));
}
