import { GetOpenIdTokenForDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { AttachPolicyCommand, LimitExceededException, ThrottlingException } from '@aws-sdk/client-iot';
import { GetThingShadowCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { DescribeExecutionCommand, RedriveExecutionCommand, SFNClient, type ExecutionStatus, type HistoryEvent } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishWelcome } from '../../functions/onboarding/publish-welcome/core';
import { resolveIdentity } from '../../functions/onboarding/resolve-identity/core';
import { ErrorNames } from '../../functions/shared/aws/errors';
import { AttachGate } from '../../functions/shared/gates/gates';
import { silentLog } from '../../functions/shared/observability/logging';
import { renderOnboardingDefinition } from '../../statemachines/onboarding';
import { attachGateDouble, type AttachGateDouble } from '../support/gate-double';
import { mockedClients } from '../support/mocked-clients';
import { sfnCallbackFixture, tokenOf, type SfnCallbackFixture } from '../support/sfn-callback-fixture';

const RESOLVE_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:resolve-identity';
const WELCOME_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:publish-welcome';
const IDENTITY_ID = 'us-east-1:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const SUB = '6b1f4c2e-8a7d-4f5b-9c3e-2d1a0b9c8e7f';
const POLICY_NAME = 'IotOnboarding-user-iot';
const INPUT = { username: 'alice', sub: SUB, onboardingVersion: '1' };
const DEFINITION = JSON.parse(
  renderOnboardingDefinition({
    ResolveIdentityFunctionArn: RESOLVE_ARN,
    PublishWelcomeFunctionArn: WELCOME_ARN,
    AttachQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/attach',
    UserPoolId: 'us-east-1_Pool1',
  }),
) as object;
const WAIT_MS = AttachGate.waitTimeoutSeconds * 1000;

const { identityMock, idpMock, iotMock, iotDataMock, resetMocks, clients } = mockedClients();

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
const limitExceeded = () => new LimitExceededException({ message: 'A limit has been exceeded.', $metadata: { httpStatusCode: 410 } });

let f: SfnCallbackFixture;
let stateMachineArn: string;
let gate: AttachGateDouble;

/**
 * The real ASL in the sandbox's Step Functions service (callback tasks wait there for their
 * tokens), its tasks bound to the real task cores over SDK clients whose transport is mocked;
 * AttachPolicy sends to the fixture's queue double, and the attach gate is played by the real
 * worker and dead-letter cores (attach-gate-double.ts), answering through the service's API.
 */
beforeEach(async () => {
  // The gate answers through a real SFN client. A unit file that ran before in this worker may
  // have left SFNClient's send stubbed (aws-sdk-client-mock patches the prototype): take it off.
  mockClient(SFNClient).restore();
  resetMocks();
  identityMock.on(GetOpenIdTokenForDeveloperIdentityCommand).resolves({ IdentityId: IDENTITY_ID, Token: 'openid-token-secret' });
  iotMock.on(AttachPolicyCommand).resolves({});
  idpMock.on(AdminUpdateUserAttributesCommand).resolves({});
  statefulShadow();

  f = await sfnCallbackFixture();
  const { cognitoIdentity, idp, iot, iotData } = clients();
  const pool = { identityPoolId: 'us-east-1:11111111-2222-3333-4444-555555555555', developerProviderName: 'dev' };
  stateMachineArn = f.register(
    'onboarding',
    DEFINITION,
    {
      [RESOLVE_ARN]: (payload) => resolveIdentity(payload, { cognitoIdentity, pool }),
      [WELCOME_ARN]: (payload) => publishWelcome(payload, { iotData, log: silentLog }),
    },
    { cognitoidentityprovider: idp },
  );
  gate = attachGateDouble({ iot, sfn: f.sfn, policyName: POLICY_NAME });
});
afterEach(async () => f.close());

/** Lets the gate take every message until the execution ends; the status it ended with. */
async function withGate(executionArn: Promise<string> | string): Promise<ExecutionStatus> {
  const serving = gate.serve(f.queue);
  try {
    return await f.service.waitForExecution(await executionArn);
  } finally {
    serving.stop();
    expect(serving.errors).toEqual([]);
  }
}

/** Starts an onboarding, the gate serving; its execution ARN and how it ended. */
async function onboard(input: object = INPUT) {
  const executionArn = await f.start(stateMachineArn, input);
  return { executionArn, status: await withGate(executionArn) };
}

const describeExecution = (executionArn: string) => f.sfn.send(new DescribeExecutionCommand({ executionArn }));

const exitedStates = (events: readonly HistoryEvent[]) => events.filter((e) => e.type === 'TaskStateExited').map((e) => e.stateExitedEventDetails?.name);

/** The state the execution stopped in and the input it was given: what a redrive runs again. */
function failedState(events: readonly HistoryEvent[]) {
  const entered = events.filter((e) => e.type === 'TaskStateEntered').at(-1)?.stateEnteredEventDetails;
  return { name: entered?.name, input: JSON.parse(entered?.input ?? 'null') as unknown };
}

const messages = () => f.queue.received.map((m) => JSON.parse(m.MessageBody) as { taskToken: string; identityId: string });

describe('onboarding workflow (real ASL, real task cores, the attach gate on its queue)', () => {
  it('onboards a user: identity, policy through the gate, welcome, attributes', async () => {
    const { executionArn, status } = await onboard();
    expect(status).toBe('SUCCEEDED');
    expect(exitedStates(await f.history(executionArn))).toEqual(['ResolveIdentity', 'AttachPolicy', 'PublishWelcome', 'MarkOnboarded']);
    // One message to the gate, one AttachPolicy call with the identity as target.
    expect(messages()).toEqual([{ taskToken: expect.any(String), identityId: IDENTITY_ID }]);
    expect(iotMock.commandCalls(AttachPolicyCommand).map((c) => c.args[0].input)).toEqual([{ policyName: POLICY_NAME, target: IDENTITY_ID }]);
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

  it('keeps the OpenID token out of the execution history, its output and the gate message', async () => {
    const { executionArn } = await onboard();
    expect(JSON.stringify(await f.history(executionArn))).not.toContain('openid-token-secret');
    expect((await describeExecution(executionArn)).output).not.toContain('openid-token-secret');
    expect(JSON.stringify(f.queue.received)).not.toContain('openid-token-secret');
  });

  it('takes 4 state transitions for a successful onboarding (at most 6 allowed)', async () => {
    await onboard();
    expect(f.service.stats).toEqual({ transitions: 4, executions: 1 });
    expect(f.service.stats.transitions).toBeLessThanOrEqual(6);
  });

  it('leaves AttachPolicy throttling to the gate: it slows down and calls again, the execution does not retry', async () => {
    iotMock.on(AttachPolicyCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});
    const { status } = await onboard();
    expect(status).toBe('SUCCEEDED');
    expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(3);
    // One message, answered within one delivery; no state retry, so still 4 transitions.
    expect(f.queue.received).toHaveLength(1);
    expect(gate.deliveries).toEqual([{ receiveCount: 1, response: { batchItemFailures: [] } }]);
    expect(f.service.stats.transitions).toBe(4);
  });

  it("fails AT AttachPolicy with the gate's permanent refusal (Iot.LimitExceededException) after one call, redrivable", async () => {
    iotMock.on(AttachPolicyCommand).rejects(limitExceeded());
    const { executionArn, status } = await onboard();
    expect(status).toBe('FAILED');
    expect(await describeExecution(executionArn)).toMatchObject({
      error: 'Iot.LimitExceededException',
      cause: 'A limit has been exceeded.',
      redriveStatus: 'REDRIVABLE',
    });
    const events = await f.history(executionArn);
    expect(failedState(events)).toEqual({ name: 'AttachPolicy', input: { ...INPUT, identity: { identityId: IDENTITY_ID } } });
    expect(events.filter((e) => e.type === 'TaskStateEntered')).toHaveLength(2);
    expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(1);
    expect(iotDataMock.commandCalls(UpdateThingShadowCommand)).toHaveLength(0);
    expect(idpMock.commandCalls(AdminUpdateUserAttributesCommand)).toHaveLength(0);
  });

  it('resumes from the failed state with its input (a redrive) without resolving the identity again', async () => {
    iotMock.on(AttachPolicyCommand).rejects(limitExceeded());
    const { executionArn } = await onboard();
    iotMock.on(AttachPolicyCommand).resolves({});
    identityMock.resetHistory();

    expect(await withGate(f.sfn.send(new RedriveExecutionCommand({ executionArn })).then(() => executionArn))).toBe('SUCCEEDED');
    expect(identityMock.commandCalls(GetOpenIdTokenForDeveloperIdentityCommand)).toHaveLength(0);
    expect(await describeExecution(executionArn)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    const events = await f.history(executionArn);
    const redriven = events.findIndex((e) => e.type === 'ExecutionRedriven');
    expect(events[redriven + 1]?.stateEnteredEventDetails).toMatchObject({ name: 'AttachPolicy' });
    expect(JSON.parse(events[redriven + 1]?.stateEnteredEventDetails?.input ?? '{}')).toEqual({ ...INPUT, identity: { identityId: IDENTITY_ID } });
    // The redriven state sent the gate a new message with a new token.
    const [first, second] = messages();
    expect(second).toEqual({ taskToken: expect.any(String), identityId: IDENTITY_ID });
    expect(second?.taskToken).not.toBe(first?.taskToken);
  });

  it('fails AT AttachPolicy with GateDeadLettered when throttling outlasts every delivery, and a redrive completes it', async () => {
    iotMock.on(AttachPolicyCommand).rejects(throttled());
    const executionArn = await f.start(stateMachineArn, INPUT);
    const message = await f.queue.nextMessage();

    expect(await gate.consume(message)).toBe('dead-lettered');
    // Each of the queue's maxReceiveCount deliveries left the message for redelivery, none failed the execution.
    expect(gate.deliveries.map((d) => [d.receiveCount, d.response.batchItemFailures.length])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 1],
    ]);
    expect(iotMock.commandCalls(AttachPolicyCommand).length).toBeGreaterThanOrEqual(AttachGate.maxReceiveCount);
    expect(await f.service.waitForExecution(executionArn)).toBe('FAILED');
    const failed = await describeExecution(executionArn);
    expect(failed).toMatchObject({ error: ErrorNames.GateDeadLettered, redriveStatus: 'REDRIVABLE' });
    expect(failed.cause).toContain(`The attach gate could not serve ${IDENTITY_ID} in ${AttachGate.maxReceiveCount} deliveries`);
    const events = await f.history(executionArn);
    expect(failedState(events)).toEqual({ name: 'AttachPolicy', input: { ...INPUT, identity: { identityId: IDENTITY_ID } } });
    // Not retried by the state: one attempt, one message.
    expect(events.filter((e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resourceType === 'sqs')).toHaveLength(1);
    expect(idpMock.commandCalls(AdminUpdateUserAttributesCommand)).toHaveLength(0);

    iotMock.on(AttachPolicyCommand).resolves({});
    await f.sfn.send(new RedriveExecutionCommand({ executionArn }));
    const again = await f.queue.nextMessage();
    expect(tokenOf(again)).not.toBe(tokenOf(message));
    expect(await gate.consume(again)).toBe('answered');
    expect(await f.service.waitForExecution(executionArn)).toBe('SUCCEEDED');
    expect(identityMock.commandCalls(GetOpenIdTokenForDeveloperIdentityCommand)).toHaveLength(1);
    expect(idpMock.commandCalls(AdminUpdateUserAttributesCommand)).toHaveLength(1);
  });

  it("fails AT AttachPolicy with States.Timeout, not retried, when no answer comes within the gate's 6 h wait", async () => {
    const executionArn = await f.start(stateMachineArn, INPUT);
    const message = await f.queue.nextMessage();

    f.clock.advance(WAIT_MS - 1_000);
    expect((await describeExecution(executionArn)).status).toBe('RUNNING');
    f.clock.advance(1_000);

    expect(await f.service.waitForExecution(executionArn)).toBe('FAILED');
    expect(await describeExecution(executionArn)).toMatchObject({ error: 'States.Timeout', redriveStatus: 'REDRIVABLE' });
    const events = await f.history(executionArn);
    expect(failedState(events).name).toBe('AttachPolicy');
    expect(events.find((e) => e.type === 'TaskTimedOut')?.taskTimedOutEventDetails).toMatchObject({
      resourceType: 'sqs',
      resource: 'sendMessage.waitForTaskToken',
      error: 'States.Timeout',
    });
    expect(events.filter((e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resourceType === 'sqs')).toHaveLength(1);
    expect(f.queue.received).toHaveLength(1);

    // The gate reaching the message late attaches (idempotent), finds nobody waiting and is done with it.
    expect(await gate.deliver(message)).toEqual({ batchItemFailures: [] });
    expect((await describeExecution(executionArn)).status).toBe('FAILED');
  });

  it('publishes no second welcome when the workflow runs again after success', async () => {
    expect((await onboard()).status).toBe('SUCCEEDED');
    const second = await onboard();
    expect(second.status).toBe('SUCCEEDED');
    expect(iotDataMock.commandCalls(UpdateThingShadowCommand)).toHaveLength(1);
    expect(JSON.parse((await describeExecution(second.executionArn)).output ?? '{}')).toMatchObject({ welcome: { published: false } });
  });

  it('retries a throttled identity resolution by its stable error name', async () => {
    identityMock
      .on(GetOpenIdTokenForDeveloperIdentityCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }))
      .resolves({ IdentityId: IDENTITY_ID, Token: 't' });
    const { status } = await onboard();
    expect(status).toBe('SUCCEEDED');
    expect(identityMock.commandCalls(GetOpenIdTokenForDeveloperIdentityCommand)).toHaveLength(2);
  });

  it('fails at ResolveIdentity without retrying when the input is malformed', async () => {
    const { executionArn, status } = await onboard({ username: 'alice', sub: 'not-a-uuid', onboardingVersion: '1' });
    expect(status).toBe('FAILED');
    expect((await describeExecution(executionArn)).error).toBe('InvalidInput');
    const events = await f.history(executionArn);
    expect(failedState(events).name).toBe('ResolveIdentity');
    expect(events.filter((e) => e.type === 'TaskScheduled')).toHaveLength(1);
    expect(identityMock.calls()).toHaveLength(0);
    expect(f.queue.received).toHaveLength(0);
  });
});
