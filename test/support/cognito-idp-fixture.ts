import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { startCognitoIdp, type CognitoIdpServer } from '../../sandbox/services/cognito-idp';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../sandbox/wire/account';
import { FaultInjector } from '../../sandbox/wire/faults';
import { fileFixture } from './file-fixture';

/**
 * The sandbox's user pools service for the calling test file, and an SDK v3 client signed with the
 * backend's credentials (one attempt): started before the file's tests, closed after them.
 */
export function cognitoIdpFixture() {
  return fileFixture(async () => {
    const idp: CognitoIdpServer = await startCognitoIdp({ faults: new FaultInjector() });
    const cognito = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: idp.url, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
    return {
      idp,
      cognito,
      async close() {
        cognito.destroy();
        await idp.close();
      },
    };
  });
}
