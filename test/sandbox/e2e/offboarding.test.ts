import { randomUUID } from 'node:crypto';
import { CognitoIdentityClient, GetOpenIdTokenForDeveloperIdentityCommand, LookupDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { AdminDeleteUserCommand, AdminDisableUserCommand, AdminEnableUserCommand, AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { AttachPolicyCommand, DescribeThingCommand, ListAttachedPoliciesCommand } from '@aws-sdk/client-iot';
import { GetThingShadowCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorOf } from '../../support/aws-error';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

/** The offboarding execution the lifecycle rule started for this sub, awaited to its end (Step Functions API). */
async function offboardingOf(sub: string, reason: string) {
  await h.sandbox.eventBus.drain();
  expect(h.sandbox.eventBus.failures).toEqual([]);
  const listed = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: h.sandbox.offboardingStateMachineArn }));
  const mine = (listed.executions ?? []).filter((e) => e.name?.startsWith(`offboard-${sub}-${reason}-`));
  expect(mine).toHaveLength(1);
  const executionArn = mine[0]?.executionArn as string;
  await h.sandbox.services.sfn.waitForExecution(executionArn);
  return h.sfn.send(new DescribeExecutionCommand({ executionArn }));
}

const attachedPolicies = async (identityId: string) =>
  (await h.iot.send(new ListAttachedPoliciesCommand({ target: identityId }))).policies ?? [];

describe('users leaving (sandbox, real clients)', () => {
  it('AdminDeleteUser of an onboarded user detaches the policy, deletes their shadows and removes their identity, with no operator step', async () => {
    const user = await h.onboardedUser('leaver');
    const identityId = user.access.identityId;
    await h.iotData.send(new UpdateThingShadowCommand({ thingName: identityId, shadowName: 'device_1', payload: new TextEncoder().encode('{"state":{"reported":{"on":true}}}') }));
    expect((await attachedPolicies(identityId)).map((p) => p.policyName)).toEqual([h.sandbox.policyName]);

    await h.idp.send(new AdminDeleteUserCommand({ UserPoolId: h.sandbox.userPool.userPoolId, Username: user.username }));

    const execution = await offboardingOf(user.sub, 'deleted');
    expect(execution.status).toBe('SUCCEEDED');
    expect(await attachedPolicies(identityId)).toEqual([]);
    for (const shadowName of [undefined, 'device_1']) {
      const error = await errorOf(h.iotData.send(new GetThingShadowCommand({ thingName: identityId, ...(shadowName ? { shadowName } : {}) })));
      expect(error.name).toBe('ResourceNotFoundException');
    }
    const lookup = await errorOf(
      h.identity.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: h.sandbox.identityPoolId, DeveloperUserIdentifier: user.sub, MaxResults: 1 })),
    );
    expect(lookup.name).toBe('ResourceNotFoundException');
  });

  it('AdminDeleteUser releases the leaving user\'s devices: owner cleared, so another user can claim them', async () => {
    const user = await h.onboardedUser('owner');
    const device = await h.sandbox.registerDevice(`device_leaving${Date.now().toString(36)}`);
    await h.app.claimDevice(user.tokens.idToken, device.thingName, device.claimCode);
    const ownerOf = async () => (await h.iot.send(new DescribeThingCommand({ thingName: device.thingName }))).attributes?.owner;
    expect(await ownerOf()).toBe(user.access.identityId);

    await h.idp.send(new AdminDeleteUserCommand({ UserPoolId: h.sandbox.userPool.userPoolId, Username: user.username }));
    const execution = await offboardingOf(user.sub, 'deleted');
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ devices: { released: [device.thingName] } });
    expect(await ownerOf()).toBeUndefined();
    const next = await h.onboardedUser('next');
    await expect(h.app.claimDevice(next.tokens.idToken, device.thingName, device.claimCode)).resolves.toMatchObject({ claimed: true });
  });

  it('AdminDisableUser offboards the user and marks them offboarded, so re-enabling onboards them again with a new identity', async () => {
    const user = await h.onboardedUser('paused');
    const userPoolId = h.sandbox.userPool.userPoolId;
    await h.idp.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: user.username }));

    expect((await offboardingOf(user.sub, 'disabled')).status).toBe('SUCCEEDED');
    expect(await attachedPolicies(user.access.identityId)).toEqual([]);
    const attributes = (await h.idp.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user.username }))).UserAttributes ?? [];
    expect(attributes.find((a) => a.Name === 'custom:iot_onboarded')?.Value).toMatch(/^off-\d+$/);
    expect(attributes.map((a) => a.Name)).not.toContain('custom:identity_id');

    await h.idp.send(new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: user.username }));
    await h.app.signIn(user.username, h.password);
    const listed = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: h.sandbox.stateMachineArn }));
    const fresh = (listed.executions ?? []).filter((e) => e.name?.startsWith(`onboard-${user.sub}-v1-r`));
    expect(fresh).toHaveLength(1);
    expect(await h.sandbox.services.sfn.waitForExecution(fresh[0]?.executionArn as string)).toBe('SUCCEEDED');
    const lookup = await h.identity.send(
      new LookupDeveloperIdentityCommand({ IdentityPoolId: h.sandbox.identityPoolId, DeveloperUserIdentifier: user.sub, MaxResults: 1 }),
    );
    expect(lookup.IdentityId).not.toBe(user.access.identityId);
    expect((await attachedPolicies(lookup.IdentityId as string)).map((p) => p.policyName)).toEqual([h.sandbox.policyName]);
  });

  it('runs the scheduled reconciler as AWS would: every identity holding the policy is checked through the user-lookup gate, and only the orphan is offboarded', async () => {
    const stayer = await h.onboardedUser('stayer');
    const ghostSub = randomUUID();
    const identity = new CognitoIdentityClient({ region: h.sandbox.region, endpoint: h.sandbox.endpoints.cognitoIdentity, credentials: { accessKeyId: h.sandbox.env.AWS_ACCESS_KEY_ID, secretAccessKey: h.sandbox.env.AWS_SECRET_ACCESS_KEY } });
    const planted = await identity.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: h.sandbox.identityPoolId, Logins: { [h.sandbox.developerProviderName]: ghostSub } }));
    identity.destroy();
    const orphan = planted.IdentityId as string;
    await h.iot.send(new AttachPolicyCommand({ policyName: h.sandbox.policyName, target: orphan }));
    const lookupsBefore = h.sandbox.faults.stats('cognito-idp:ListUsers').calls;

    const result = (await h.sandbox.runReconciler()) as { queued: number; refused: number; complete: boolean };
    expect(result).toMatchObject({ complete: true, refused: 0 });
    expect(result.queued).toBeGreaterThanOrEqual(2);

    // The gate's consumer checks each queued identity and starts the orphan's offboarding.
    const execution = await vi.waitFor(async () => {
      const listed = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: h.sandbox.offboardingStateMachineArn }));
      const found = (listed.executions ?? []).find((e) => e.name?.startsWith(`offboard-${ghostSub}-orphan-`));
      if (!found) throw new Error('the orphan has no offboarding yet');
      return found.executionArn as string;
    }, { timeout: 20_000, interval: 50 });
    expect(await h.sandbox.services.sfn.waitForExecution(execution)).toBe('SUCCEEDED');
    expect(await attachedPolicies(orphan)).toEqual([]);
    expect((await attachedPolicies(stayer.access.identityId)).map((p) => p.policyName)).toEqual([h.sandbox.policyName]);
    // One ListUsers per checked identity with a user, plus the orphan's offboarding's own: all through the gate.
    expect(h.sandbox.faults.stats('cognito-idp:ListUsers').calls - lookupsBefore).toBeLessThanOrEqual(result.queued + 1);
  });
});
