import { GetOpenIdTokenForDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { AttachPolicyCommand, LimitExceededException, ThrottlingException } from '@aws-sdk/client-iot';
import { GetThingShadowCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { beforeEach, describe, expect, it } from 'vitest';
import { publishWelcome } from '../../functions/onboarding/publish-welcome/core';
import { resolveIdentity } from '../../functions/onboarding/resolve-identity/core';
import { silentLog } from '../../functions/shared/observability/logging';
import { createTaskHandlers, runDefinition } from '../../sandbox/services/stepfunctions/task-runtime';
import { renderOnboardingDefinition } from '../../statemachines/onboarding';
import { mockedClients } from '../support/mocked-clients';

const RESOLVE_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:resolve-identity';
const WELCOME_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:publish-welcome';
const IDENTITY_ID = 'us-east-1:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const SUB = '6b1f4c2e-8a7d-4f5b-9c3e-2d1a0b9c8e7f';
const INPUT = { username: 'alice', sub: SUB, onboardingVersion: '1' };
const DEFINITION = JSON.parse(
  renderOnboardingDefinition({
    ResolveIdentityFunctionArn: RESOLVE_ARN,
    PublishWelcomeFunctionArn: WELCOME_ARN,
    AttachQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/attach',
    UserPoolId: 'us-east-1_Pool1',
  }),
) as object;

const { identityMock, idpMock, iotMock, iotDataMock, resetMocks, clients } = mockedClients();

/** The real task cores, over SDK clients whose transport is mocked. */
function handlers() {
  const { cognitoIdentity, idp, iot, iotData } = clients();
  const pool = { identityPoolId: 'us-east-1:11111111-2222-3333-4444-555555555555', developerProviderName: 'dev' };
  return createTaskHandlers(DEFINITION, {
    lambdas: {
      [RESOLVE_ARN]: (payload) => resolveIdentity(payload, { cognitoIdentity, pool }),
      [WELCOME_ARN]: (payload) => publishWelcome(payload, { iotData, log: silentLog }),
    },
    sdk: { iot, cognitoidentityprovider: idp },
  });
}

/** A shadow that remembers what was written, like the device shadow service. */
function statefulShadow() {
  let document: string | undefined;
  iotDataMock.on(GetThingShadowCommand).callsFake(() => {
    if (!document) throw Object.assign(new Error('No shadow exists'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    return { payload: new TextEncoder().encode(document) };
  });
  iotDataMock.on(UpdateThingShadowCommand).callsFake((input: { payload: Uint8Array }) => {
    const update = JSON.parse(new TextDecoder().decode(input.payload)) as { state: { reported: unknown } };
    document = JSON.stringify({ state: { reported: update.state.reported }, version: 1 });
    return { payload: input.payload };
  });
}

const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
const run = (options: { startAt?: string; input?: unknown } = {}) =>
  runDefinition(DEFINITION, options.input ?? INPUT, {
    handlers: handlers(),
    retryIntervalOverrides: 0,
    ...(options.startAt ? { startAt: options.startAt } : {}),
  });

describe('onboarding workflow (real ASL, real task cores)', () => {
  beforeEach(() => {
    resetMocks();
    identityMock.on(GetOpenIdTokenForDeveloperIdentityCommand).resolves({ IdentityId: IDENTITY_ID, Token: 'openid-token-secret' });
    iotMock.on(AttachPolicyCommand).resolves({});
    idpMock.on(AdminUpdateUserAttributesCommand).resolves({});
    statefulShadow();
  });

  it('onboards a user: identity, policy, welcome, attributes', async () => {
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.succeededStates.map((s) => s.name)).toEqual(['ResolveIdentity', 'AttachPolicy', 'PublishWelcome', 'MarkOnboarded']);
    expect(iotMock.commandCalls(AttachPolicyCommand)[0]?.args[0].input).toEqual({ policyName: 'IotOnboarding-user-iot', target: IDENTITY_ID });
    expect(iotDataMock.commandCalls(UpdateThingShadowCommand)[0]?.args[0].input.thingName).toBe(IDENTITY_ID);
    expect(idpMock.commandCalls(AdminUpdateUserAttributesCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'us-east-1_Pool1',
      Username: 'alice',
      UserAttributes: [
        { Name: 'custom:iot_onboarded', Value: '1' },
        { Name: 'custom:identity_id', Value: IDENTITY_ID },
      ],
    });
  });

  it('keeps the OpenID token out of the execution history', async () => {
    const result = await run();
    expect(JSON.stringify(result.events)).not.toContain('openid-token-secret');
    expect(JSON.stringify(result.output)).not.toContain('openid-token-secret');
  });

  it('takes 4 state transitions for a successful onboarding (at most 6 allowed)', async () => {
    const result = await run();
    expect(result.stateTransitions).toBe(4);
    expect(result.stateTransitions).toBeLessThanOrEqual(6);
  });

  it('retries AttachPolicy when throttled twice, then succeeds', async () => {
    iotMock.on(AttachPolicyCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(3);
    expect(result.stateTransitions).toBe(6);
  });

  it('fails AT AttachPolicy when throttling outlasts its retries, so a redrive resumes there', async () => {
    iotMock.on(AttachPolicyCommand).rejects(throttled());
    const result = await run();
    expect(result.status).toBe('FAILED');
    expect(result.failedState).toBe('AttachPolicy');
    expect(result.error).toBe('Iot.ThrottlingException');
    // 1 call + 150 retries: the capacity the README's storm figures rest on (3,000 sign-ins at 15 TPS).
    expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(151);
    expect(idpMock.commandCalls(AdminUpdateUserAttributesCommand)).toHaveLength(0);
    expect(result.failedStateInput).toMatchObject({ identity: { identityId: IDENTITY_ID } });
  });

  it('does not retry a policy quota (LimitExceededException) as throttling: fails at AttachPolicy after one call', async () => {
    iotMock.on(AttachPolicyCommand).rejects(new LimitExceededException({ message: 'A limit has been exceeded.', $metadata: { httpStatusCode: 410 } }));
    const result = await run();
    expect(result).toMatchObject({ status: 'FAILED', failedState: 'AttachPolicy', error: 'Iot.LimitExceededException' });
    expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(1);
  });

  it('resumes from the failed state with its input without resolving the identity again', async () => {
    iotMock.on(AttachPolicyCommand).rejects(throttled());
    const failed = await run();
    iotMock.on(AttachPolicyCommand).resolves({});
    identityMock.resetHistory();
    const resumed = await run({ startAt: failed.failedState as string, input: failed.failedStateInput });
    expect(resumed.status).toBe('SUCCEEDED');
    expect(identityMock.commandCalls(GetOpenIdTokenForDeveloperIdentityCommand)).toHaveLength(0);
  });

  it('publishes no second welcome when the workflow runs again after success', async () => {
    expect((await run()).status).toBe('SUCCEEDED');
    const second = await run();
    expect(second.status).toBe('SUCCEEDED');
    expect(iotDataMock.commandCalls(UpdateThingShadowCommand)).toHaveLength(1);
    expect(second.output).toMatchObject({ welcome: { published: false } });
  });

  it('retries a throttled identity resolution by its stable error name', async () => {
    identityMock
      .on(GetOpenIdTokenForDeveloperIdentityCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }))
      .resolves({ IdentityId: IDENTITY_ID, Token: 't' });
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    expect(identityMock.commandCalls(GetOpenIdTokenForDeveloperIdentityCommand)).toHaveLength(2);
  });

  it('fails at ResolveIdentity without retrying when the input is malformed', async () => {
    const result = await run({ input: { username: 'alice', sub: 'not-a-uuid', onboardingVersion: '1' } });
    expect(result.status).toBe('FAILED');
    expect(result.failedState).toBe('ResolveIdentity');
    expect(result.error).toBe('InvalidInput');
    expect(identityMock.calls()).toHaveLength(0);
  });
});
