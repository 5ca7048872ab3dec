import { GetThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { publishWelcome } from '../../../../../functions/onboarding/publish-welcome/core';
import { silentLog } from '../../../../../functions/shared/observability/logging';
import { awsError, IDENTITY_ID } from '../../../fixtures';

const iotMock = mockClient(IoTDataPlaneClient);
const deps = { iotData: new IoTDataPlaneClient({ region: 'us-east-1' }), log: silentLog };
const input = { identityId: IDENTITY_ID, username: 'alice', onboardingVersion: '3' };
const shadow = (doc: unknown) => ({ payload: new TextEncoder().encode(JSON.stringify(doc)) as never });
const sentDocument = () => {
  const payload = iotMock.commandCalls(UpdateThingShadowCommand)[0]?.args[0].input.payload;
  return JSON.parse(new TextDecoder().decode(payload as Uint8Array)) as Record<string, unknown>;
};

describe('publish-welcome task', () => {
  beforeEach(() => iotMock.reset());

  it('writes the welcome to the user\'s own shadow when the user has none yet', async () => {
    iotMock.on(GetThingShadowCommand).rejects(awsError('ResourceNotFoundException', 404));
    iotMock.on(UpdateThingShadowCommand).resolves({});
    expect(await publishWelcome(input, deps)).toEqual({ published: true });
    expect(iotMock.commandCalls(UpdateThingShadowCommand)[0]?.args[0].input.thingName).toBe(IDENTITY_ID);
    expect(sentDocument()).toEqual({
      state: { reported: { welcome: { message: 'Welcome to AWS IoT Core, alice', onboardingVersion: '3' } } },
      clientToken: 'welcome-v3',
    });
  });

  it('publishes no second welcome for the same onboarding version', async () => {
    iotMock.on(GetThingShadowCommand).resolves(shadow({ state: { reported: { welcome: { onboardingVersion: '3' } } }, version: 4 }));
    expect(await publishWelcome(input, deps)).toEqual({ published: false });
    expect(iotMock.commandCalls(UpdateThingShadowCommand)).toHaveLength(0);
  });

  it('welcomes again at a new onboarding version, conditional on the shadow version it read', async () => {
    iotMock.on(GetThingShadowCommand).resolves(shadow({ state: { reported: { welcome: { onboardingVersion: '2' } } }, version: 7 }));
    iotMock.on(UpdateThingShadowCommand).resolves({});
    expect(await publishWelcome(input, deps)).toEqual({ published: true });
    expect(sentDocument().version).toBe(7);
  });

  it('turns a shadow version conflict into a retryable UpstreamUnavailable', async () => {
    iotMock.on(GetThingShadowCommand).resolves(shadow({ state: {}, version: 1 }));
    iotMock.on(UpdateThingShadowCommand).rejects(awsError('ConflictException', 409));
    await expect(publishWelcome(input, deps)).rejects.toMatchObject({ name: 'UpstreamUnavailable' });
  });

  it('turns IoT throttling into UpstreamThrottled', async () => {
    iotMock.on(GetThingShadowCommand).rejects(awsError('ThrottlingException', 429));
    await expect(publishWelcome(input, deps)).rejects.toMatchObject({ name: 'UpstreamThrottled' });
  });

  it('rejects an identity id that is not region:guid as InvalidInput', async () => {
    await expect(publishWelcome({ ...input, identityId: 'alice' }, deps)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining('identityId'),
    });
    expect(iotMock.calls()).toHaveLength(0);
  });
});
