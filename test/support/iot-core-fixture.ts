import { IoTClient } from '@aws-sdk/client-iot';
import { iotPolicyDocument } from '../../functions/shared/iot-policy/user-policy';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../sandbox/wire/account';
import { CredentialStore } from '../../sandbox/wire/credentials';
import { FaultInjector } from '../../sandbox/wire/faults';
import { startIotCore, type IotCoreOptions } from '../../sandbox/services/iot/core';

export const REGION = 'us-east-1';
/** The role the sandbox issues identity credentials for; the fixture gives it the product's policy template. */
export const ROLE = 'arn:aws:iam::000000000000:role/sandbox-authenticated';
/** The product's per-user IoT policy, for this region and the sandbox account. */
export const template = iotPolicyDocument({ region: REGION, account: '000000000000' });

export type IotCoreFixture = Awaited<ReturnType<typeof iotCoreFixture>>;

/**
 * The sandbox IoT core for one test file: its own CredentialStore and FaultInjector, ROLE's role
 * policy set to the template, and a backend control-plane client with one attempt (a test sees the
 * fault it injects, not a retry). Other core options pass through. `close()` destroys the client
 * and stops the core.
 */
export async function iotCoreFixture(options: Omit<IotCoreOptions, 'store' | 'faults'> = {}) {
  const store = new CredentialStore();
  const faults = new FaultInjector();
  const core = await startIotCore({ ...options, store, faults });
  core.setRolePolicy(ROLE, template);
  const iot = new IoTClient({ region: REGION, endpoint: core.controlPlaneUrl, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
  return {
    core,
    store,
    faults,
    iot,
    async close() {
      iot.destroy();
      await core.close();
    },
  };
}
