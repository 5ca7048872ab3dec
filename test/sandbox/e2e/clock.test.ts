import { randomUUID } from 'node:crypto';
import { AdminDisableUserCommand, AdminGetUserCommand, CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { ExecutionStatus } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onSandboxClock } from '../../../sandbox/app/sdk-clock';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const MINUTE_MS = 60_000;

/** Runs `body` with the sandbox clock `ms` ahead, then moves it back for the tests after it. */
async function later(ms: number, body: () => Promise<void>): Promise<void> {
  h.sandbox.clock.advance(ms);
  try {
    await body();
  } finally {
    h.sandbox.clock.advance(-ms);
  }
}

/** A backend Cognito client, on the sandbox clock (as the operator's) unless `machineClock`. */
function idpClient(machineClock = false): CognitoIdentityProviderClient {
  const client = new CognitoIdentityProviderClient({
    region: h.sandbox.region,
    endpoint: h.sandbox.endpoints.cognitoIdp,
    credentials: { accessKeyId: h.sandbox.env.AWS_ACCESS_KEY_ID, secretAccessKey: h.sandbox.env.AWS_SECRET_ACCESS_KEY },
  });
  return machineClock ? client : onSandboxClock(client, h.sandbox.clock.now);
}

/** The status the offboarding execution of `sub` closes with. */
function offboardingClosed(sub: string): Promise<ExecutionStatus> {
  return new Promise((resolve) => {
    const stop = h.sandbox.services.sfn.onExecutionEvent((notice) => {
      if (notice.stateMachineArn !== h.sandbox.offboardingStateMachineArn || !notice.executionName.startsWith(`offboard-${sub}-`)) return;
      if (notice.status === 'RUNNING') return;
      stop();
      resolve(notice.status);
    });
  });
}

/**
 * SigV4 refuses a request that reaches the service more than five minutes from its time stamp
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-signing.html), so once a test
 * moves the sandbox clock, the product's functions must sign with the sandbox's time, not the
 * machine's, and read it wherever they compare times.
 */
describe("the product's functions after the sandbox clock moved", () => {
  it.each([
    ['10 minutes', 10 * MINUTE_MS],
    ['2 hours', 120 * MINUTE_MS],
  ])('onboard a user at sign-in and publish a command %s later', async (_label, jump) => {
    // Every function has run (and its SDK clients have seen the services' time) before the move.
    const owner = await h.onboardedUser('before');
    const thingName = `lamp_${randomUUID().slice(0, 8)}`;
    const device = await h.sandbox.registerDevice(thingName);
    await h.app.claimDevice(owner.tokens.idToken, thingName, device.claimCode);

    await later(jump, async () => {
      // Sign-in → post-authentication trigger → StartExecution → the onboarding functions' calls.
      const newcomer = await h.onboardedUser('after');
      expect(newcomer.access.identityId).toMatch(/^us-east-1:/);
      // The command API's function verifies a fresh token and publishes through the data plane.
      const tokens = await h.app.signIn(owner.username, h.password);
      await expect(h.app.sendCommand(tokens.idToken, thingName, { power: 'ON' })).resolves.toMatchObject({ commandId: expect.any(String) });
    });
  });

  it("records a disabled user as offboarded at the sandbox's time (new Date() in a handler), 2 hours later", async () => {
    const user = await h.onboardedUser('leaving');
    const operator = idpClient();
    const closed = offboardingClosed(user.sub);
    try {
      await later(120 * MINUTE_MS, async () => {
        await operator.send(new AdminDisableUserCommand({ UserPoolId: h.sandbox.userPool.userPoolId, Username: user.username }));
        expect(await closed).toBe('SUCCEEDED');
        const attributes = (await operator.send(new AdminGetUserCommand({ UserPoolId: h.sandbox.userPool.userPoolId, Username: user.username }))).UserAttributes;
        const marker = attributes?.find((a) => a.Name === 'custom:iot_onboarded')?.Value ?? '';
        expect(marker).toMatch(/^off-\d+$/);
        expect(Math.abs(Number(marker.slice(4)) * 1000 - h.sandbox.clock.now())).toBeLessThan(MINUTE_MS);
      });
    } finally {
      operator.destroy();
    }
  });
});

describe('SDK clients on the machine clock', () => {
  it("recover from a 10-minute advance after one refused attempt, corrected by the services' Date header as against AWS", async () => {
    const client = idpClient(true);
    try {
      await later(10 * MINUTE_MS, async () => {
        const out = await client.send(new ListUsersCommand({ UserPoolId: h.sandbox.userPool.userPoolId, Limit: 1 }));
        expect(out.$metadata.attempts).toBe(2);
      });
    } finally {
      client.destroy();
    }
  });
});
