import { vi } from 'vitest';
import { QUOTA_GATES, type GateName } from '../../../functions/shared/gates/gates';
import { SANDBOX_STACK } from '../../../sandbox';
import { randomUUID } from 'node:crypto';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { IoTClient } from '@aws-sdk/client-iot';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { MqttClient } from 'mqtt';
import { executionArnFor } from '../../../functions/onboarding/post-authentication/core';
import { executionName } from '../../../functions/shared/workflows/onboarding';
import { AppClient, subOf, type IotAccess } from '../../../sandbox/clients/app-client';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../sandbox';

/** One sandbox per test file, real clients only, and the users a test needs. */
export async function startHarness(options: SandboxOptions = {}) {
  const sandbox = await startSandbox({ retryIntervalOverrides: 0, functionLogLevel: 'SILENT', ...options });
  const backend = {
    region: sandbox.region,
    credentials: { accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID, secretAccessKey: sandbox.env.AWS_SECRET_ACCESS_KEY },
  };
  const sfn = new SFNClient({ ...backend, endpoint: sandbox.endpoints.stepFunctions });
  const iot = new IoTClient({ ...backend, endpoint: sandbox.endpoints.iotControlPlane });
  const idp = new CognitoIdentityProviderClient({ ...backend, endpoint: sandbox.endpoints.cognitoIdp });
  const iotData = new IoTDataPlaneClient({ ...backend, endpoint: sandbox.endpoints.iotDataPlane });
  const identity = new CognitoIdentityClient({ ...backend, endpoint: sandbox.endpoints.cognitoIdentity });
  const app = new AppClient(sandbox.appConfig);
  const mqttClients: MqttClient[] = [];

  const harness = {
    sandbox,
    sfn,
    iot,
    idp,
    /** Backend clients of the data plane and the identity pool (shadows, LookupDeveloperIdentity). */
    iotData,
    identity,
    app,
    password: 'Harness-Passw0rd!',
    /** Signs up and confirms a new user (no sign-in yet, so not onboarded). */
    async newUser(prefix = 'user'): Promise<string> {
      const username = `${prefix}-${randomUUID().slice(0, 8)}`;
      await app.signUp(username, harness.password, `${username}@example.com`);
      const code = sandbox.services.idp.confirmationCode(sandbox.userPool.userPoolId, username);
      if (!code) throw new Error('no confirmation code');
      await app.confirmSignUp(username, code);
      return username;
    },
    subOf,
    executionArn(sub: string): string {
      return executionArnFor(sandbox.stateMachineArn, executionName(sub, sandbox.outputs.OnboardingVersion));
    },
    /** Signs in and waits for the onboarding execution that sign-in started to close. */
    async signInAndOnboard(username: string) {
      const tokens = await app.signIn(username, harness.password);
      const executionArn = harness.executionArn(harness.subOf(tokens));
      const status = await sandbox.services.sfn.waitForExecution(executionArn);
      return { tokens, executionArn, status };
    },
    /**
     * Signs a user in while AttachPolicy fails, and moves the sandbox clock past each delivery's
     * visibility timeout until the attach gate's message reaches the dead-letter queue, whose
     * consumer fails the execution at AttachPolicy with GateDeadLettered. The fault stays set for
     * the caller to clear, and the clock `advancedMs` ahead for the caller to move back when its
     * test is over (device certificates, for one, are checked in real time).
     */
    async signInUntilDeadLettered(username: string) {
      sandbox.faults.set('iot:AttachPolicy', { failNext: 10_000, failWith: 'internal' });
      const before = sandbox.faults.stats('iot:AttachPolicy').calls;
      const tokens = await app.signIn(username, harness.password);
      const executionArn = harness.executionArn(harness.subOf(tokens));
      const advancedMs = await harness.deliverUntilDeadLettered('attach', 'iot:AttachPolicy', before);
      const status = await sandbox.services.sfn.waitForExecution(executionArn);
      return { tokens, executionArn, status, advancedMs };
    },
    /**
     * Moves the sandbox clock past each delivery's visibility timeout while `operation` keeps
     * failing, until the gate's message reaches its dead-letter queue (whose consumer fails the
     * waiting execution with GateDeadLettered). `callsBefore` is the operation's call count before
     * the message was sent. Returns how far the clock moved.
     */
    async deliverUntilDeadLettered(gate: GateName, operation: string, callsBefore: number) {
      const figures = QUOTA_GATES[gate];
      for (let delivery = 1; delivery <= figures.maxReceiveCount; delivery++) {
        // Each delivery: the first call and the worker's transient retries within the invocation;
        // then the poller that delivered it waits on the queue again (the invocation is over, no
        // request is in flight across the clock's jump: a signature made before it would expire).
        let polled = false;
        const stop = sandbox.services.sqs.onPollWaiting((queue) => {
          if (queue === `${SANDBOX_STACK}-${gate}` && sandbox.faults.stats(operation).calls >= callsBefore + 3 * delivery) polled = true;
        });
        try {
          await vi.waitFor(() => {
            if (!polled) throw new Error(`delivery ${delivery} not over yet`);
          }, { timeout: 20_000, interval: 20 });
        } finally {
          stop();
        }
        sandbox.clock.advance(figures.visibilityTimeoutSeconds * 1000);
      }
      return figures.maxReceiveCount * figures.visibilityTimeoutSeconds * 1000;
    },
    /** A fully onboarded user with fresh tokens, IoT access and credentials. */
    async onboardedUser(prefix = 'user') {
      const username = await harness.newUser(prefix);
      const { status } = await harness.signInAndOnboard(username);
      if (status !== 'SUCCEEDED') throw new Error(`onboarding of ${username} ended ${status}`);
      const tokens = await app.signIn(username, harness.password);
      const access = await app.iotAccess(tokens.idToken);
      const credentials = await app.credentials(access);
      return { username, tokens, access, credentials, sub: harness.subOf(tokens) };
    },
    async connect(access: IotAccess, credentials: Parameters<AppClient['connectMqtt']>[1], clientId?: string) {
      const client = await app.connectMqtt(clientId ? { ...access, identityId: clientId } : access, credentials);
      mqttClients.push(client);
      return client;
    },
    track(client: MqttClient) {
      mqttClients.push(client);
      return client;
    },
    async close() {
      await Promise.all(mqttClients.map((c) => c.endAsync(true).catch(() => undefined)));
      for (const c of [sfn, iot, idp, iotData, identity, app.idp, app.identity]) c.destroy();
      await sandbox.close();
    },
  };
  return harness;
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
export type { Sandbox };

/** Rejects after `ms` unless `promise` settles first: for clients that never settle on denial. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export { closed } from '../../../sandbox/clients/app-client';
