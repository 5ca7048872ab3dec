import { AdminUpdateUserAttributesCommand, TooManyRequestsException } from '@aws-sdk/client-cognito-identity-provider';
import { AttachPolicyCommand, LimitExceededException } from '@aws-sdk/client-iot';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError, UpstreamThrottledError } from '../../../../functions/shared/aws/errors';
import { SandboxClock } from '../../../../sandbox/app/clock';
import { parseDefinition } from '../../../../sandbox/services/stepfunctions/definition';
import { createTaskHandlers, runDefinition, type LambdaFunction, type RunDefinitionOptions } from '../../../../sandbox/services/stepfunctions/task-runtime';
import { TaskTokens } from '../../../../sandbox/services/stepfunctions/task-tokens';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../../sandbox/wire/account';
import { OnboardingStates, renderOnboardingDefinition } from '../../../../statemachines/onboarding';
import { answerTaskTokens, attachGateDouble, type AttachGateDouble } from '../../../support/gate-double';
import { onboardingWorkflowMocks } from '../../../support/onboarding-workflow-mocks';
import { startSqsQueueDouble } from '../../../support/sqs-queue-double';

const RESOLVE_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:resolve-identity';
const WELCOME_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:publish-welcome';
const IDENTITY_ID = 'us-east-1:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const POLICY_NAME = 'onboarding-policy';
const INPUT = { username: 'alice', sub: '6b1f4c2e-8a7d-4f5b-9c3e-2d1a0b9c8e7f', onboardingVersion: '1' };
const DEFINITION = JSON.parse(
  renderOnboardingDefinition({
    ResolveIdentityFunctionArn: RESOLVE_ARN,
    PublishWelcomeFunctionArn: WELCOME_ARN,
    AttachQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/attach',
    UserPoolId: 'us-east-1_Sandbox01',
  }),
) as object;

// IoT and Cognito user pools mocked for this file; AttachPolicy is the attach gate's call (the gate double below).
const { iotMock, cognitoMock, sdk, iot } = onboardingWorkflowMocks();
/** Retry waits of 0 ms: the retry logic runs, the backoff does not. */
const NO_WAIT = 0;
const RUN = 'task-runtime-run';

/**
 * AttachPolicy's wait for its token, without the service: the run's callback tasks take tokens
 * from a TaskTokens registry on a sandbox clock (its deadlines pass only with `advance`), the
 * message goes through a real SQS client to a queue double, and a gate double (the real attach
 * worker core over the mocked IoT client) answers the token directly.
 */
let queue: Awaited<ReturnType<typeof startSqsQueueDouble>>;
let sqs: SQSClient;
let clock: SandboxClock;
let tokens: TaskTokens;
let attachGate: AttachGateDouble;
let serving: ReturnType<AttachGateDouble['serve']>;

beforeEach(async () => {
  queue = await startSqsQueueDouble();
  sqs = new SQSClient({ region: 'us-east-1', endpoint: queue.url, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
  clock = new SandboxClock();
  tokens = new TaskTokens({ now: clock.now, timers: clock.timers });
  attachGate = attachGateDouble({ iot, sfn: answerTaskTokens(tokens), policyName: POLICY_NAME });
  serving = attachGate.serve(queue);
});

afterEach(async () => {
  serving.stop();
  tokens.closeRun(RUN);
  sqs.destroy();
  await queue.close();
  expect(serving.errors).toEqual([]);
});

/** The run options that give callback tasks their tokens. */
const withTokens = (): Pick<RunDefinitionOptions, 'callbacks' | 'now' | 'timers'> => ({ callbacks: tokens.forRun(RUN), now: clock.now, timers: clock.timers });

function lambdas(overrides: { resolve?: LambdaFunction; welcome?: LambdaFunction } = {}) {
  const resolve = vi.fn<LambdaFunction>(overrides.resolve ?? (async () => ({ identityId: IDENTITY_ID })));
  const welcome = vi.fn<LambdaFunction>(overrides.welcome ?? (async () => ({ published: true })));
  return { resolve, welcome, bindings: { [RESOLVE_ARN]: resolve, [WELCOME_ARN]: welcome } };
}

describe('task runtime (aws-local-stepfunctions with local task bindings)', () => {
  beforeEach(() => {
    iotMock.reset();
    cognitoMock.reset();
    iotMock.on(AttachPolicyCommand).resolves({ $metadata: { httpStatusCode: 200 } });
    cognitoMock.on(AdminUpdateUserAttributesCommand).resolves({ $metadata: { httpStatusCode: 200 } });
  });

  it('accepts the onboarding ASL, JitterStrategy and MaxDelaySeconds included, with default validation', () => {
    expect(() => createTaskHandlers(DEFINITION, { lambdas: lambdas().bindings, sdk, sqs })).not.toThrow();
  });

  it('rejects a retrier field Step Functions would reject and asl-validator lets through', () => {
    const broken = structuredClone(DEFINITION) as { States: { AttachPolicy: { Retry: Array<Record<string, unknown>> } } };
    const retrier = broken.States.AttachPolicy.Retry[0];
    if (retrier) retrier.JitterStrategy = 'FUL';
    expect(() => parseDefinition(broken)).toThrow(/JitterStrategy/);
  });

  it('runs the onboarding workflow end to end and reports each state with its input and output', async () => {
    const { resolve, welcome, bindings } = lambdas();
    const result = await runDefinition(DEFINITION, INPUT, { ...withTokens(), handlers: createTaskHandlers(DEFINITION, { lambdas: bindings, sdk, sqs }) });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ ...INPUT, identity: { identityId: IDENTITY_ID }, welcome: { published: true } });
    expect(resolve).toHaveBeenCalledWith({ sub: INPUT.sub });
    expect(welcome).toHaveBeenCalledWith({ identityId: IDENTITY_ID, username: 'alice', onboardingVersion: '1' });
    // AttachPolicy through the gate: one message with the run's token, one call for the identity.
    expect(queue.received.map((m) => JSON.parse(m.MessageBody) as unknown)).toEqual([{ taskToken: expect.any(String), identityId: IDENTITY_ID }]);
    expect(iotMock.commandCalls(AttachPolicyCommand).map((c) => c.args[0].input)).toEqual([{ policyName: POLICY_NAME, target: IDENTITY_ID }]);
    expect(cognitoMock.commandCalls(AdminUpdateUserAttributesCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'us-east-1_Sandbox01',
      Username: 'alice',
      UserAttributes: [
        { Name: 'custom:iot_onboarded', Value: '1' },
        { Name: 'custom:identity_id', Value: IDENTITY_ID },
      ],
    });
    expect(result.succeededStates.map((s) => s.name)).toEqual(Object.values(OnboardingStates));
    expect(result.succeededStates[1]).toMatchObject({ name: 'AttachPolicy', input: { identity: { identityId: IDENTITY_ID } } });
    expect(result.stateTransitions).toBe(4);
  });

  it('wraps a Lambda result as the Invoke response, which the ASL selects from $.Payload', async () => {
    const { bindings } = lambdas();
    const result = await runDefinition(DEFINITION, INPUT, { ...withTokens(), handlers: createTaskHandlers(DEFINITION, { lambdas: bindings, sdk, sqs }) });
    const succeeded = result.events.find((e) => e.type === 'TaskSucceeded' && e.stateName === 'ResolveIdentity');
    expect(succeeded).toMatchObject({ output: { Payload: { identityId: IDENTITY_ID }, StatusCode: 200, ExecutedVersion: '$LATEST' } });
  });

  it('records task events between state entry and exit, in order', async () => {
    const { bindings } = lambdas();
    const result = await runDefinition(DEFINITION, INPUT, { ...withTokens(), handlers: createTaskHandlers(DEFINITION, { lambdas: bindings, sdk, sqs }) });
    const attach = result.events
      .filter((e) => ('state' in e && e.state.name === 'AttachPolicy') || ('stateName' in e && e.stateName === 'AttachPolicy'))
      .map((e) => e.type);
    // A callback task: TaskSubmitted when SendMessage is accepted, TaskSucceeded when the gate answers.
    expect(attach).toEqual(['StateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'StateExited']);
    const resolveEvents = result.events.filter((e) => ('state' in e && e.state.name === 'ResolveIdentity') || ('stateName' in e && e.stateName === 'ResolveIdentity'));
    expect(resolveEvents.map((e) => e.type)).toEqual(['StateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'StateExited']);
    const taskToken = (JSON.parse(queue.received[0]?.MessageBody ?? '{}') as { taskToken?: string }).taskToken;
    expect(result.events.find((e) => e.type === 'TaskScheduled' && e.stateName === 'AttachPolicy')).toMatchObject({
      parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/attach', MessageBody: { taskToken, identityId: IDENTITY_ID } },
      timeoutSeconds: 21_600,
    });
    expect(result.events.find((e) => e.type === 'TaskSubmitted')).toMatchObject({ stateName: 'AttachPolicy', output: { MessageId: expect.any(String) } });
    expect(result.events.find((e) => e.type === 'TaskSucceeded' && e.stateName === 'AttachPolicy')).toMatchObject({ output: { attached: true } });
    expect(result.events[0]?.type).toBe('ExecutionStarted');
    expect(result.events.at(-1)?.type).toBe('ExecutionSucceeded');
  });

  it("retries a Lambda error by the thrown error's name (UpstreamThrottled) and counts the retry as a transition", async () => {
    let calls = 0;
    const { resolve, bindings } = lambdas({
      resolve: async () => {
        calls++;
        if (calls === 1) throw new UpstreamThrottledError('GetOpenIdTokenForDeveloperIdentity throttled');
        return { identityId: IDENTITY_ID };
      },
    });
    const result = await runDefinition(DEFINITION, INPUT, {
      ...withTokens(),
      handlers: createTaskHandlers(DEFINITION, { lambdas: bindings, sdk, sqs }),
      retryIntervalOverrides: NO_WAIT,
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(resolve).toHaveBeenCalledTimes(2);
    expect(result.events.find((e) => e.type === 'TaskFailed')).toMatchObject({ error: 'UpstreamThrottled' });
    expect(result.stateTransitions).toBe(5);
  });

  it('fails the execution at the Lambda task with its error name and the Lambda error JSON as cause', async () => {
    const { bindings } = lambdas({
      resolve: async () => {
        throw new InvalidInputError('sub is not a uuid', { cause: new Error('inner') });
      },
    });
    const result = await runDefinition(DEFINITION, INPUT, { ...withTokens(), handlers: createTaskHandlers(DEFINITION, { lambdas: bindings, sdk, sqs }) });
    expect(result).toMatchObject({ status: 'FAILED', error: 'InvalidInput', failedState: 'ResolveIdentity', failedStateInput: INPUT });
    expect(JSON.parse(result.cause ?? '{}')).toMatchObject({ errorType: 'InvalidInput', errorMessage: 'sub is not a uuid' });
  });

  it('names SQS errors SQS.<Error>Exception and fails at AttachPolicy once its SendMessage retries are spent', async () => {
    queue.failNext('RequestThrottled', 'Rate exceeded', Infinity);
    const { welcome, bindings } = lambdas();
    const result = await runDefinition(DEFINITION, INPUT, {
      ...withTokens(),
      handlers: createTaskHandlers(DEFINITION, { lambdas: bindings, sdk, sqs }),
      retryIntervalOverrides: NO_WAIT,
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'SQS.RequestThrottledException', failedState: 'AttachPolicy' });
    expect(result.cause).toMatch(/^Rate exceeded \(Service: SQS, Status Code: 400, Request ID: [0-9a-f-]{36}\)$/);
    expect(result.failedStateInput).toEqual({ ...INPUT, identity: { identityId: IDENTITY_ID } });
    // 1 attempt + the SQS retrier's 6 retries, each a new task (and token); nothing reached the gate.
    expect(result.events.filter((e) => e.type === 'TaskScheduled' && e.stateName === 'AttachPolicy')).toHaveLength(7);
    expect(result.events.filter((e) => e.type === 'TaskSubmitted')).toHaveLength(0);
    expect(result.stateTransitions).toBe(1 + 1 + 6);
    expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(0);
    expect(welcome).not.toHaveBeenCalled();
  });

  it("fails at AttachPolicy with the gate's SendTaskFailure error and cause, which the state does not retry", async () => {
    iotMock.on(AttachPolicyCommand).rejects(new LimitExceededException({ message: 'A limit has been exceeded.', $metadata: { httpStatusCode: 410 } }));
    const { welcome, bindings } = lambdas();
    const result = await runDefinition(DEFINITION, INPUT, {
      ...withTokens(),
      handlers: createTaskHandlers(DEFINITION, { lambdas: bindings, sdk, sqs }),
      retryIntervalOverrides: NO_WAIT,
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'Iot.LimitExceededException', cause: 'A limit has been exceeded.', failedState: 'AttachPolicy' });
    expect(result.failedStateInput).toEqual({ ...INPUT, identity: { identityId: IDENTITY_ID } });
    expect(result.events.find((e) => e.type === 'TaskFailed')).toMatchObject({ stateName: 'AttachPolicy', error: 'Iot.LimitExceededException' });
    expect(queue.received).toHaveLength(1);
    expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(1);
    expect(result.stateTransitions).toBe(2);
    expect(welcome).not.toHaveBeenCalled();
  });

  it('names Cognito throttling CognitoIdentityProvider.TooManyRequestsException', async () => {
    cognitoMock
      .on(AdminUpdateUserAttributesCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Too many requests', $metadata: { httpStatusCode: 400, requestId: 'req-1' } }))
      .resolves({});
    const { bindings } = lambdas();
    const result = await runDefinition(DEFINITION, INPUT, {
      ...withTokens(),
      handlers: createTaskHandlers(DEFINITION, { lambdas: bindings, sdk, sqs }),
      retryIntervalOverrides: NO_WAIT,
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.events.find((e) => e.type === 'TaskFailed')).toMatchObject({
      error: 'CognitoIdentityProvider.TooManyRequestsException',
      cause: 'Too many requests (Service: CognitoIdentityProvider, Status Code: 400, Request ID: req-1)',
    });
  });

  it('reports an SDK task failure without an HTTP response as <Service>.SdkClientException', async () => {
    cognitoMock.on(AdminUpdateUserAttributesCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
    const { bindings } = lambdas();
    const result = await runDefinition(DEFINITION, INPUT, {
      ...withTokens(),
      handlers: createTaskHandlers(DEFINITION, { lambdas: bindings, sdk, sqs }),
      retryIntervalOverrides: NO_WAIT,
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'CognitoIdentityProvider.SdkClientException', failedState: 'MarkOnboarded' });
    expect(result.cause).toBe('Unable to execute HTTP request: Error: connect ECONNREFUSED 127.0.0.1:1');
    // Not an AdminUpdateUserAttributes error AWS documents, so the ASL does not retry it.
    expect(cognitoMock.commandCalls(AdminUpdateUserAttributesCommand)).toHaveLength(1);
  });

  it('reports a SendMessage that reaches no endpoint as SQS.SdkClientException, which AttachPolicy retries', async () => {
    const unreachable = new SQSClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
    const { welcome, bindings } = lambdas();
    try {
      const result = await runDefinition(DEFINITION, INPUT, {
        ...withTokens(),
        handlers: createTaskHandlers(DEFINITION, { lambdas: bindings, sdk, sqs: unreachable }),
        retryIntervalOverrides: NO_WAIT,
      });
      expect(result).toMatchObject({ status: 'FAILED', error: 'SQS.SdkClientException', failedState: 'AttachPolicy' });
      expect(result.cause).toMatch(/^Unable to execute HTTP request: .*ECONNREFUSED/);
      // The client's own failure is among the SQS errors the state retries: 1 attempt + 6 retries.
      expect(result.events.filter((e) => e.type === 'TaskScheduled' && e.stateName === 'AttachPolicy')).toHaveLength(7);
      expect(welcome).not.toHaveBeenCalled();
    } finally {
      unreachable.destroy();
    }
  });

  it('fails with Lambda.ResourceNotFoundException naming a FunctionName nothing is bound to', async () => {
    const { resolve } = lambdas();
    const result = await runDefinition(DEFINITION, INPUT, {
      ...withTokens(),
      handlers: createTaskHandlers(DEFINITION, { lambdas: { [RESOLVE_ARN]: resolve }, sdk, sqs }),
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'Lambda.ResourceNotFoundException', failedState: 'PublishWelcome' });
    expect(result.cause).toContain(WELCOME_ARN);
  });

  it('starts at another state with the input that state received, running nothing before it', async () => {
    const { resolve, welcome, bindings } = lambdas();
    const stateInput = { ...INPUT, identity: { identityId: IDENTITY_ID } };
    const result = await runDefinition(DEFINITION, stateInput, {
      ...withTokens(),
      handlers: createTaskHandlers(DEFINITION, { lambdas: bindings, sdk, sqs }),
      startAt: 'AttachPolicy',
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(resolve).not.toHaveBeenCalled();
    expect(welcome).toHaveBeenCalledTimes(1);
    expect(result.succeededStates.map((s) => s.name)).toEqual(['AttachPolicy', 'PublishWelcome', 'MarkOnboarded']);
    expect(result.stateTransitions).toBe(3);
  });

  it('refuses to bind a definition with an SDK action it does not emulate or a client it was not given', () => {
    const other = structuredClone(DEFINITION) as { States: { AttachPolicy: { Resource: string } } };
    other.States.AttachPolicy.Resource = 'arn:aws:states:::aws-sdk:iot:createThing';
    expect(() => createTaskHandlers(other, { lambdas: {}, sdk: { iot } })).toThrow(/aws-sdk:iot:createThing is not emulated/);
    expect(() => createTaskHandlers(DEFINITION, { lambdas: {}, sdk: {}, sqs })).toThrow(/sdk\.cognitoidentityprovider/);
    expect(() => createTaskHandlers(DEFINITION, { lambdas: {}, sdk })).toThrow(/'AttachPolicy'.*needs an SQS client/);
  });

  it('stops with ABORTED at the running state when its signal aborts', async () => {
    const controller = new AbortController();
    const { bindings } = lambdas({
      resolve: async () => {
        controller.abort();
        return { identityId: IDENTITY_ID };
      },
    });
    const result = await runDefinition(DEFINITION, INPUT, {
      ...withTokens(),
      handlers: createTaskHandlers(DEFINITION, { lambdas: bindings, sdk, sqs }),
      signal: controller.signal,
    });
    expect(result).toMatchObject({ status: 'ABORTED', failedState: 'ResolveIdentity', failedStateInput: INPUT });
    expect(queue.received).toHaveLength(0);
    expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(0);
  });

  it('records TaskTimedOut and fails with States.Timeout when a task outlives its TimeoutSeconds', async () => {
    const timed = structuredClone(DEFINITION) as { States: { ResolveIdentity: Record<string, unknown> } };
    timed.States.ResolveIdentity.TimeoutSeconds = 1;
    delete timed.States.ResolveIdentity.Retry;
    const { bindings } = lambdas({ resolve: () => new Promise<never>(() => undefined) });
    const result = await runDefinition(timed, INPUT, { ...withTokens(), handlers: createTaskHandlers(timed, { lambdas: bindings, sdk, sqs }) });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout', failedState: 'ResolveIdentity' });
    expect(result.events.map((e) => e.type)).toContain('TaskTimedOut');
    expect(result.events.map((e) => e.type)).not.toContain('TaskSucceeded');
  });
});

describe('task timeouts as AWS applies them', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a Task without TimeoutSeconds run past 60 s (AWS sets no task timeout by default)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const untimed = structuredClone(DEFINITION) as { States: { ResolveIdentity: Record<string, unknown> } };
    delete untimed.States.ResolveIdentity.TimeoutSeconds;
    let finish: (value: unknown) => void = () => undefined;
    let started: () => void = () => undefined;
    const called = new Promise<void>((resolve) => (started = resolve));
    const { bindings } = lambdas({
      resolve: () =>
        new Promise((resolve) => {
          finish = resolve;
          started();
        }),
    });
    const run = runDefinition(untimed, INPUT, { ...withTokens(), handlers: createTaskHandlers(untimed, { lambdas: bindings, sdk, sqs }) });
    await called;
    await vi.advanceTimersByTimeAsync(61_000);
    finish({ identityId: IDENTITY_ID });
    const result = await run;
    expect(result.status).toBe('SUCCEEDED');
    expect(result.events.map((e) => e.type)).not.toContain('TaskTimedOut');
  });

  it('times a Task out at its own TimeoutSeconds and retries States.Timeout as the ASL says', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let calls = 0;
    const { bindings } = lambdas({
      resolve: () => {
        calls++;
        return calls === 1 ? new Promise<never>(() => undefined) : Promise.resolve({ identityId: IDENTITY_ID });
      },
    });
    const run = runDefinition(DEFINITION, INPUT, { ...withTokens(), handlers: createTaskHandlers(DEFINITION, { lambdas: bindings, sdk, sqs }), retryIntervalOverrides: NO_WAIT });
    await vi.advanceTimersByTimeAsync(20_000);
    const result = await run;
    expect(result.status).toBe('SUCCEEDED');
    expect(calls).toBe(2);
    expect(result.events.find((e) => e.type === 'TaskTimedOut')).toMatchObject({ stateName: 'ResolveIdentity', error: 'States.Timeout' });
  });
});

describe('callback and SQS tasks at registration', () => {
  const sqsTask = (fields: Record<string, unknown>) => ({
    StartAt: 'Admit',
    States: {
      Admit: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { QueueUrl: 'http://127.0.0.1:1/000000000000/q', 'MessageBody.$': '$' },
        End: true,
        ...fields,
      },
    },
  });
  const sqs = new SQSClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', maxAttempts: 1 });
  afterAll(() => sqs.destroy());

  it('refuses a Parameters field the SQS integration does not take', () => {
    const definition = sqsTask({ Parameters: { QueueUrl: 'q', MessageBody: 'm', 'MessageSystemAttributes.$': '$.x' } });
    expect(() => createTaskHandlers(definition, { lambdas: {}, sdk, sqs })).toThrow(/does not take 'MessageSystemAttributes'/);
  });

  it('refuses an SQS task without an SQS client and a callback task with HeartbeatSecondsPath', () => {
    expect(() => createTaskHandlers(sqsTask({}), { lambdas: {}, sdk })).toThrow(/needs an SQS client/);
    expect(() => createTaskHandlers(sqsTask({ HeartbeatSecondsPath: '$.hb' }), { lambdas: {}, sdk, sqs })).toThrow(/HeartbeatSecondsPath/);
  });

  it('fails a callback task with States.Runtime when run without the service (no task tokens)', async () => {
    const definition = sqsTask({});
    const result = await runDefinition(definition, {}, { handlers: createTaskHandlers(definition, { lambdas: {}, sdk, sqs }) });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });
});
