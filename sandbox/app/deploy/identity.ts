import { IDENTITY_ID_ATTRIBUTE, ONBOARDED_ATTRIBUTE } from '../../../functions/shared/workflows/onboarding';
import { AUTHENTICATED_ROLE_ARN, DEVELOPER_PROVIDER, SANDBOX_STACK } from './names';
import type { SandboxServices } from './services';

/**
 * The user directory as the stack creates it: the user pool with the onboarding attributes
 * (read-only to clients), its app client (secret, USER_PASSWORD_AUTH), the secret stored for the
 * authorizer (lib/constructs/iot-custom-authorizer.ts), and the identity pool (developer provider only).
 */
export function deployIdentity({ idp, identity, secretsManager }: Pick<SandboxServices, 'idp' | 'identity' | 'secretsManager'>) {
  const customAttributes = [ONBOARDED_ATTRIBUTE, IDENTITY_ID_ATTRIBUTE].map((a) => a.replace(/^custom:/, ''));
  const pool = idp.createUserPool({ name: `${SANDBOX_STACK}-users`, customAttributes, readOnlyAttributes: customAttributes });
  const { clientId, clientSecret } = idp.createAppClient(pool.userPoolId, { generateSecret: true });
  if (!clientSecret) throw new Error('the sandbox app client was created without a secret');
  const appClientSecret = secretsManager.createSecret(`${SANDBOX_STACK}-app-client-secret`, clientSecret);
  const { identityPoolId } = identity.createIdentityPool({ developerProviderName: DEVELOPER_PROVIDER, authenticatedRoleArn: AUTHENTICATED_ROLE_ARN });
  return { pool, client: { clientId, clientSecret }, appClientSecretArn: appClientSecret.arn, identityPoolId };
}

export type DeployedIdentity = ReturnType<typeof deployIdentity>;
