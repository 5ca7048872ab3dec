import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetOpenIdTokenForDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { startCognitoIdentity } from '../../sandbox/services/cognito-identity';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../sandbox/wire/account';
import { CredentialStore } from '../../sandbox/wire/credentials';
import { FaultInjector } from '../../sandbox/wire/faults';

/** The developer provider name of the fixture's identity pool. */
export const PROVIDER = 'login.sandbox.iot';
/** The authenticated role of the fixture's identity pool. */
export const ROLE = 'arn:aws:iam::000000000000:role/iot-authenticated';

export type CognitoIdentityFixture = Awaited<ReturnType<typeof cognitoIdentityFixture>>;

/**
 * The sandbox Cognito identity service for one test file: its own CredentialStore and
 * FaultInjector, one identity pool for developer provider PROVIDER with authenticated role ROLE,
 * and a backend client with one attempt. `now` (default `Date.now`) is the clock of the service
 * and the store. `close()` destroys the client and stops the service.
 */
export async function cognitoIdentityFixture(options: { now?: () => number } = {}) {
  const store = new CredentialStore(options.now);
  const faults = new FaultInjector();
  const server = await startCognitoIdentity({ store, faults, ...(options.now ? { now: options.now } : {}) });
  const { identityPoolId } = server.createIdentityPool({ developerProviderName: PROVIDER, authenticatedRoleArn: ROLE });
  const backend = new CognitoIdentityClient({ region: 'us-east-1', endpoint: server.url, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
  return {
    server,
    store,
    faults,
    identityPoolId,
    backend,
    /** GetOpenIdTokenForDeveloperIdentity for a PROVIDER login, as the backend calls it. */
    openIdToken(userIdentifier: string, extra: { IdentityId?: string; TokenDuration?: number } = {}) {
      return backend.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, Logins: { [PROVIDER]: userIdentifier }, ...extra }));
    },
    /** GetCredentialsForIdentity with an OpenID token, as a client calls it. */
    credentials(identityId: string, token: string) {
      return backend.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: { 'cognito-identity.amazonaws.com': token } }));
    },
    async close() {
      backend.destroy();
      await server.close();
    },
  };
}
