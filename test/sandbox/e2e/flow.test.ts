import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ListAttachedPoliciesCommand } from '@aws-sdk/client-iot';
import { DescribeExecutionCommand, GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { nextMessage } from '../../../sandbox/clients/app-client';
import { fileFixture } from '../../support/file-fixture';
import { startHarness } from './harness';

const h = fileFixture(() => startHarness());

describe('the onboarding flow, end to end against the sandbox', () => {
  it('onboards a new user at sign-in: identity, policy, welcome shadow and attributes', async () => {
    const username = await h.newUser('flow');
    const { tokens, executionArn, status } = await h.signInAndOnboard(username);
    expect(status).toBe('SUCCEEDED');

    const execution = await h.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(JSON.parse(execution.input ?? '{}')).toEqual({ username, sub: h.subOf(tokens), onboardingVersion: '1' });
    const history = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const entered = (history.events ?? []).flatMap((e) => (e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : []));
    expect(entered).toEqual(['ResolveIdentity', 'AttachPolicy', 'PublishWelcome', 'MarkOnboarded']);

    const user = await h.idp.send(new AdminGetUserCommand({ UserPoolId: h.sandbox.userPool.userPoolId, Username: username }));
    const attributes = Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
    expect(attributes['custom:iot_onboarded']).toBe('1');
    const identityId = attributes['custom:identity_id'];
    expect(identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect(identityId).not.toBe(h.subOf(tokens));

    const policies = await h.iot.send(new ListAttachedPoliciesCommand({ target: identityId }));
    expect(policies.policies?.map((p) => p.policyName)).toEqual([h.sandbox.policyName]);
  });

  it('lets the onboarded user connect as its identity, read the welcome, claim a device and command it through the twin', async () => {
    const user = await h.onboardedUser('flow');
    expect(user.access.region).toBe('us-east-1');
    const mqtt = await h.connect(user.access, user.credentials);
    const shadow = `$aws/things/${user.access.identityId}/shadow`;
    await mqtt.subscribeAsync(`${shadow}/get/accepted`, { qos: 1 });
    const got = nextMessage(mqtt, `${shadow}/get/accepted`);
    await mqtt.publishAsync(`${shadow}/get`, '{}', { qos: 1 });
    expect((await got).state).toEqual({ reported: { welcome: { message: `Welcome to AWS IoT Core, ${user.username}`, onboardingVersion: '1' } } });

    const registered = await h.sandbox.registerDevice('device_kitchen');
    await h.app.claimDevice(user.tokens.idToken, 'device_kitchen', registered.claimCode);
    const device = h.track(await h.sandbox.connectDevice(registered));
    const twinDelta = `$aws/things/${user.access.identityId}/shadow/name/device_kitchen/update/delta`;
    await device.subscribeAsync(twinDelta, { qos: 1 });
    const delta = nextMessage(device, twinDelta);
    const command = await h.app.sendCommand(user.tokens.idToken, 'device_kitchen', { power: 'OFF' });
    const received = await delta;
    expect(received.state).toEqual({ power: 'OFF' });
    expect(received.clientToken).toBe(command.commandId);
  });

  it('starts no execution at a second sign-in of an onboarded user', async () => {
    const user = await h.onboardedUser('again');
    const before = h.sandbox.faults.stats('states:StartExecution').calls;
    const invocationsBefore = h.sandbox.services.lambda.invocations['post-authentication'] ?? 0;
    await h.app.signIn(user.username, h.password);
    expect(h.sandbox.services.lambda.invocations['post-authentication']).toBe(invocationsBefore + 1);
    expect(h.sandbox.faults.stats('states:StartExecution').calls).toBe(before);
  });

  it('answers 409 NotOnboarded to a user whose onboarding has not finished', async () => {
    const username = await h.newUser('early');
    // Hold onboarding at AttachPolicy: the trigger starts it, the attach gate keeps failing to attach
    // (the message waits for redelivery), the execution waits for its turn, no policy yet.
    h.sandbox.faults.set('iot:AttachPolicy', { failNext: 100, failWith: 'internal' });
    try {
      const tokens = await h.app.signIn(username, h.password);
      await expect(h.app.iotAccess(tokens.idToken)).rejects.toMatchObject({ status: 409, code: 'NotOnboarded' });
    } finally {
      h.sandbox.faults.set('iot:AttachPolicy', undefined);
    }
  });
});
