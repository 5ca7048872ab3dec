import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { AttachPolicyCommand, LimitExceededException } from '@aws-sdk/client-iot';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { executionArnFor, onPostAuthentication } from '../../../../functions/onboarding/post-authentication/core';
import { executionName } from '../../../../functions/shared/workflows/onboarding';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../../sandbox/wire/account';
import { CredentialStore } from '../../../../sandbox/wire/credentials';
import { FaultInjector } from '../../../../sandbox/wire/faults';
import { onSandboxClock } from '../../../../sandbox/app/sdk-clock';
import { startStepFunctions, type ExecutionEventNotice, type StepFunctionsService } from '../../../../sandbox/services/stepfunctions/service';
import { createTaskHandlers, type LambdaFunction } from '../../../../sandbox/services/stepfunctions/task-runtime';
import { renderOnboardingDefinition } from '../../../../statemachines/onboarding';
import { postAuthEvent, recordingCounter, recordingLog, SUB } from '../../../unit/fixtures';
import { attachGateDouble, type AttachGateDouble } from '../../../support/gate-double';
import { onboardingWorkflowMocks } from '../../../support/onboarding-workflow-mocks';
import { startSqsQueueDouble } from '../../../support/sqs-queue-double';

const RESOLVE_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:resolve-identity';
const WELCOME_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:publish-welcome';
const IDENTITY_ID = 'us-east-1:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const ATTACH_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/000000000000/attach';
const POLICY_NAME = 'onboarding-policy';
const INPUT = JSON.stringify({ username: 'alice', sub: '6b1f4c2e-8a7d-4f5b-9c3e-2d1a0b9c8e7f', onboardingVersion: '1' });
const DEFINITION = renderOnboardingDefinition({
  ResolveIdentityFunctionArn: RESOLVE_ARN,
  PublishWelcomeFunctionArn: WELCOME_ARN,
  AttachQueueUrl: ATTACH_QUEUE_URL,
  UserPoolId: 'us-east-1_Sandbox01',
});
const DAY_MS = 24 * 3_600_000;

// IoT and Cognito user pools mocked for this file; AttachPolicy is the attach gate's call (the gate double below).
const { iotMock, cognitoMock, sdk, iot } = onboardingWorkflowMocks();
/** AttachPolicy's refusal that retrying cannot fix (10 policies per target): the gate fails the execution with it. */
const limitExceeded = () => new LimitExceededException({ message: 'A limit has been exceeded.', $metadata: { httpStatusCode: 410 } });

/** A latch for a lambda to wait on: `opened` resolves at `release()`. */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { opened, release: () => release() };
}

let service: StepFunctionsService;
let sfn: SFNClient;
let queue: Awaited<ReturnType<typeof startSqsQueueDouble>>;
let sqs: SQSClient;
let attachGate: AttachGateDouble;
let serving: ReturnType<AttachGateDouble['serve']>;
let faults: FaultInjector;
let clockOffset: number;
let stateMachineArn: string;
let resolve: ReturnType<typeof vi.fn<LambdaFunction>>;
let welcome: ReturnType<typeof vi.fn<LambdaFunction>>;

/** Holds the next execution in ResolveIdentity (its lambda's next call) until `release()`. */
function holdResolveIdentity() {
  const held = gate();
  resolve.mockImplementationOnce(async () => {
    await held.opened;
    return { identityId: IDENTITY_ID };
  });
  return held;
}

async function start(name: string, input = INPUT) {
  return sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }));
}

async function run(name: string, input = INPUT) {
  const { executionArn } = await start(name, input);
  if (!executionArn) throw new Error('no executionArn');
  await service.waitForExecution(executionArn);
  return executionArn;
}

async function history(executionArn: string): Promise<HistoryEvent[]> {
  return (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
}

describe('Step Functions service (JSON 1.0 API for @aws-sdk/client-sfn)', () => {
  beforeEach(async () => {
    iotMock.reset();
    cognitoMock.reset();
    iotMock.on(AttachPolicyCommand).resolves({});
    cognitoMock.on(AdminUpdateUserAttributesCommand).resolves({});
    resolve = vi.fn<LambdaFunction>(async () => ({ identityId: IDENTITY_ID }));
    welcome = vi.fn<LambdaFunction>(async () => ({ published: true }));
    faults = new FaultInjector();
    clockOffset = 0;
    service = await startStepFunctions({
      faults,
      store: new CredentialStore(),
      now: () => Date.now() + clockOffset,
      retryIntervalOverrides: 0,
    });
    // AttachPolicy sends its message to a queue double (the explicit endpoint, not the QueueUrl's host).
    queue = await startSqsQueueDouble();
    sqs = new SQSClient({ region: 'us-east-1', endpoint: queue.url, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
    ({ stateMachineArn } = service.registerStateMachine({
      name: 'onboarding',
      definition: DEFINITION,
      handlers: createTaskHandlers(DEFINITION, { lambdas: { [RESOLVE_ARN]: resolve, [WELCOME_ARN]: welcome }, sdk, sqs }),
    }));
    // On the service's clock: the service verifies signatures against it, and tests move it.
    sfn = onSandboxClock(new SFNClient({ endpoint: service.url, region: 'us-east-1', credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 }), () => Date.now() + clockOffset);
    // The attach gate: the real worker core attaches with the mocked IoT client and answers through the API.
    attachGate = attachGateDouble({ iot, sfn, policyName: POLICY_NAME });
    serving = attachGate.serve(queue);
  });

  afterEach(async () => {
    serving.stop();
    sfn.destroy();
    sqs.destroy();
    await service.close();
    await queue.close();
    expect(serving.errors).toEqual([]);
  });

  describe('StartExecution', () => {
    it('returns the execution ARN and start date at once and runs the execution asynchronously', async () => {
      const held = holdResolveIdentity();
      const started = await start('onboard-alice-v1');
      expect(started.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:onboarding:onboard-alice-v1');
      expect(started.startDate).toBeInstanceOf(Date);
      const running = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      expect(running.status).toBe('RUNNING');

      held.release();
      expect(await service.waitForExecution(started.executionArn ?? '')).toBe('SUCCEEDED');
    });

    it('answers the same execution for the same name and input while it runs', async () => {
      const held = holdResolveIdentity();
      const first = await start('same-name');
      const second = await start('same-name');
      expect(second.executionArn).toBe(first.executionArn);
      expect(second.startDate?.getTime()).toBe(first.startDate?.getTime());
      held.release();
      await service.waitForExecution(first.executionArn ?? '');
      expect(resolve).toHaveBeenCalledTimes(1);
    });

    it('refuses the same name with another input while it runs (ExecutionAlreadyExists)', async () => {
      const held = holdResolveIdentity();
      const first = await start('same-name');
      await expect(start('same-name', JSON.stringify({ other: true }))).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
      held.release();
      await service.waitForExecution(first.executionArn ?? '');
    });

    it('refuses the name of a closed execution whatever the input (ExecutionAlreadyExists)', async () => {
      await run('closed-name');
      await expect(start('closed-name')).rejects.toMatchObject({ name: 'ExecutionAlreadyExists', $metadata: { httpStatusCode: 400 } });
    });

    it('answers StateMachineDoesNotExist, InvalidName and InvalidExecutionInput', async () => {
      const missing = stateMachineArn.replace(':onboarding', ':missing');
      await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: missing, input: INPUT }))).rejects.toMatchObject({
        name: 'StateMachineDoesNotExist',
      });
      await expect(start('has space')).rejects.toMatchObject({ name: 'InvalidName' });
      await expect(start('x'.repeat(81))).rejects.toMatchObject({ name: 'InvalidName' });
      await expect(start('bad-input', '{not json')).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
    });
  });

  describe('DescribeExecution, ListExecutions, GetExecutionHistory', () => {
    it('describes a succeeded execution with its input, output and dates', async () => {
      const executionArn = await run('described');
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      expect(described).toMatchObject({
        executionArn,
        stateMachineArn,
        name: 'described',
        status: 'SUCCEEDED',
        input: INPUT,
        redriveCount: 0,
        redriveStatus: 'NOT_REDRIVABLE',
        redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven.',
      });
      expect(JSON.parse(described.output ?? '{}')).toMatchObject({ identity: { identityId: IDENTITY_ID }, welcome: { published: true } });
      expect(described.stopDate?.getTime()).toBeGreaterThanOrEqual(described.startDate?.getTime() ?? Infinity);
    });

    it('answers ExecutionDoesNotExist for an unknown execution', async () => {
      const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:nobody`;
      await expect(sfn.send(new DescribeExecutionCommand({ executionArn }))).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    });

    it('lists executions newest first, filtered by status, page by page', async () => {
      const first = await run('first');
      const second = await run('second');
      const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
      expect(all.executions?.map((e) => e.executionArn)).toEqual([second, first]);

      const page1 = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1 }));
      expect(page1.executions?.map((e) => e.name)).toEqual(['second']);
      const page2 = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1, nextToken: page1.nextToken }));
      expect(page2.executions?.map((e) => e.name)).toEqual(['first']);
      expect(page2.nextToken).toBeUndefined();

      const failed = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'FAILED' }));
      expect(failed.executions).toEqual([]);
    });

    it("records AWS's history events, numbered and linked, for a succeeded execution", async () => {
      const events = await history(await run('history'));
      const task = ['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'];
      // The callback task records its submitted message between TaskStarted and the gate's answer.
      const callbackTask = ['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited'];
      expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', ...task, ...callbackTask, ...task, ...task, 'ExecutionSucceeded']);
      expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
      expect(events.map((e) => e.previousEventId)).toEqual(events.map((_, i) => i));
      expect(events[0]?.timestamp).toBeInstanceOf(Date);
      expect(events[0]?.executionStartedEventDetails?.input).toBe(INPUT);
      expect(events[1]?.stateEnteredEventDetails).toMatchObject({ name: 'ResolveIdentity' });
      const scheduledAttach = events.find((e) => e.taskScheduledEventDetails?.resource === 'sendMessage.waitForTaskToken');
      expect(scheduledAttach?.taskScheduledEventDetails).toMatchObject({ resourceType: 'sqs', region: 'us-east-1', timeoutInSeconds: 21_600 });
      // The gate received exactly what history shows was sent: the attempt's task token and the identity.
      const [message] = queue.received;
      expect(queue.received).toHaveLength(1);
      expect(message?.QueueUrl).toBe(ATTACH_QUEUE_URL);
      const { taskToken } = JSON.parse(message?.MessageBody ?? '{}') as { taskToken: string };
      expect(JSON.parse(scheduledAttach?.taskScheduledEventDetails?.parameters ?? '{}')).toEqual({
        QueueUrl: ATTACH_QUEUE_URL,
        MessageBody: { taskToken, identityId: IDENTITY_ID },
      });
      expect(iotMock.commandCalls(AttachPolicyCommand).map((c) => c.args[0].input)).toEqual([{ policyName: POLICY_NAME, target: IDENTITY_ID }]);
      const attached = events.find((e) => e.type === 'TaskSucceeded' && e.taskSucceededEventDetails?.resourceType === 'sqs');
      expect(JSON.parse(attached?.taskSucceededEventDetails?.output ?? '{}')).toEqual({ attached: true });
    });

    it('pages history and returns it in reverse order on request', async () => {
      const executionArn = await run('paged-history');
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 5 }));
      expect(page.events?.map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
      const next = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 5, nextToken: page.nextToken }));
      expect(next.events?.[0]?.id).toBe(6);
      const reversed = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));
      expect(reversed.events?.[0]?.type).toBe('ExecutionSucceeded');
      await expect(
        sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken: 'not-a-token' })),
      ).rejects.toMatchObject({ name: 'InvalidToken' });
    });
  });

  describe('failure and RedriveExecution', () => {
    /** The gate's AttachPolicy is refused for good (SendTaskFailure Iot.LimitExceededException), then allowed again. */
    async function failAtAttachPolicy(name: string) {
      iotMock.on(AttachPolicyCommand).rejects(limitExceeded());
      const executionArn = await run(name);
      iotMock.on(AttachPolicyCommand).resolves({});
      return executionArn;
    }

    it("fails at AttachPolicy with the gate's permanent refusal, not retried, with a REDRIVABLE status", async () => {
      const executionArn = await failAtAttachPolicy('fails');
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      expect(described).toMatchObject({ status: 'FAILED', error: 'Iot.LimitExceededException', cause: 'A limit has been exceeded.', redriveStatus: 'REDRIVABLE' });
      expect(described.output).toBeUndefined();
      const events = await history(executionArn);
      expect(events.at(-1)).toMatchObject({ type: 'ExecutionFailed', executionFailedEventDetails: { error: 'Iot.LimitExceededException' } });
      expect(events.at(-2)).toMatchObject({
        type: 'TaskFailed',
        taskFailedEventDetails: { resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', error: 'Iot.LimitExceededException' },
      });
      expect(events.filter((e) => e.type === 'TaskStateEntered').at(-1)?.stateEnteredEventDetails?.name).toBe('AttachPolicy');
      // One message, one AttachPolicy call: neither the gate nor the state retries a refusal.
      expect(events.filter((e) => e.type === 'TaskScheduled')).toHaveLength(2);
      expect(queue.received).toHaveLength(1);
      expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(1);
      expect(welcome).not.toHaveBeenCalled();
    });

    it('redrives at the failed state: ResolveIdentity runs once overall and the execution succeeds', async () => {
      const executionArn = await failAtAttachPolicy('redriven');
      const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn }));
      expect(redriveDate).toBeInstanceOf(Date);
      expect(await service.waitForExecution(executionArn)).toBe('SUCCEEDED');

      expect(resolve).toHaveBeenCalledTimes(1);
      expect(welcome).toHaveBeenCalledTimes(1);
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      expect(described).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
      expect(described.redriveDate?.getTime()).toBe(redriveDate?.getTime());
      expect(described.error).toBeUndefined();
      const events = await history(executionArn);
      const redriven = events.findIndex((e) => e.type === 'ExecutionRedriven');
      expect(events[redriven]?.executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
      expect(events[redriven + 1]).toMatchObject({ type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'AttachPolicy' } });
      expect(JSON.parse(events[redriven + 1]?.stateEnteredEventDetails?.input ?? '{}')).toMatchObject({ identity: { identityId: IDENTITY_ID } });
      // The redriven state sends a new message with a new token; the gate attaches and answers it.
      const tokens = queue.received.map((m) => (JSON.parse(m.MessageBody) as { taskToken: string }).taskToken);
      expect(tokens).toHaveLength(2);
      expect(tokens[1]).not.toBe(tokens[0]);
      expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(2);
      const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn, redriveFilter: 'REDRIVEN' }));
      expect(listed.executions?.map((e) => [e.name, e.redriveCount])).toEqual([['redriven', 1]]);
    });

    it('treats a repeated clientToken as the same redrive', async () => {
      const executionArn = await failAtAttachPolicy('idempotent');
      const first = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'token-1' }));
      const again = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'token-1' }));
      expect(again.redriveDate?.getTime()).toBe(first.redriveDate?.getTime());
      await service.waitForExecution(executionArn);
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      expect(described.redriveCount).toBe(1);
    });

    it('refuses to redrive a succeeded execution (ExecutionNotRedrivable)', async () => {
      const executionArn = await run('succeeded');
      await expect(sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({
        name: 'ExecutionNotRedrivable',
        message: 'Execution is SUCCEEDED and cannot be redriven.',
      });
    });

    it('refuses to redrive a running execution (ExecutionNotRedrivable)', async () => {
      const held = holdResolveIdentity();
      const { executionArn } = await start('running');
      await expect(sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({ name: 'ExecutionNotRedrivable' });
      held.release();
      await service.waitForExecution(executionArn ?? '');
    });

    it('refuses to redrive more than 14 days after the execution stopped', async () => {
      const executionArn = await failAtAttachPolicy('too-old');
      clockOffset = 14 * DAY_MS + 60_000;
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      expect(described).toMatchObject({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution redrivable period exceeded.' });
      await expect(sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({ name: 'ExecutionNotRedrivable' });
    });
  });

  describe('StopExecution', () => {
    it('aborts a running execution, which a redrive then resumes at the state it was stopped in', async () => {
      const held = gate();
      let invoked!: () => void;
      const welcomeInvoked = new Promise<void>((resolveInvoked) => {
        invoked = resolveInvoked;
      });
      welcome.mockImplementationOnce(async () => {
        invoked();
        await held.opened;
        return { published: true };
      });
      const { executionArn } = await start('stopped');
      await welcomeInvoked;
      const { stopDate } = await sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'testing' }));
      expect(stopDate).toBeInstanceOf(Date);
      held.release();
      expect(await service.waitForExecution(executionArn ?? '')).toBe('ABORTED');
      const events = await history(executionArn ?? '');
      expect(events.slice(-2).map((e) => e.type)).toEqual(['TaskStateAborted', 'ExecutionAborted']);
      expect(events.at(-1)?.executionAbortedEventDetails).toEqual({ error: 'Operator', cause: 'testing' });

      await sfn.send(new RedriveExecutionCommand({ executionArn }));
      expect(await service.waitForExecution(executionArn ?? '')).toBe('SUCCEEDED');
      expect(resolve).toHaveBeenCalledTimes(1);
      expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(1);
      expect(welcome).toHaveBeenCalledTimes(2);
    });
  });

  describe('with the post-authentication trigger', () => {
    it('starts onboarding, then redrives the failed execution at the next sign-in', async () => {
      const deps = () => ({ sfn, log: recordingLog(), metrics: recordingCounter(), config: { stateMachineArn, onboardingVersion: '1' } });
      const executionArn = executionArnFor(stateMachineArn, executionName(SUB, '1'));
      iotMock.on(AttachPolicyCommand).rejects(limitExceeded());

      expect(await onPostAuthentication(postAuthEvent(), deps())).toBe('started');
      expect(await service.waitForExecution(executionArn)).toBe('FAILED');

      iotMock.on(AttachPolicyCommand).resolves({});
      expect(await onPostAuthentication(postAuthEvent(), deps())).toBe('redriven');
      expect(await service.waitForExecution(executionArn)).toBe('SUCCEEDED');
      expect(resolve).toHaveBeenCalledTimes(1);
    });
  });

  describe('state machines, events, faults, signatures', () => {
    it('describes and lists the registered state machine', async () => {
      const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
      expect(described).toMatchObject({ name: 'onboarding', type: 'STANDARD', status: 'ACTIVE', definition: DEFINITION });
      const listed = await sfn.send(new ListStateMachinesCommand({}));
      expect(listed.stateMachines?.map((m) => m.stateMachineArn)).toEqual([stateMachineArn]);
    });

    it('streams every history event to listeners and counts transitions', async () => {
      const seen: ExecutionEventNotice[] = [];
      service.onExecutionEvent((notice) => seen.push(notice));
      const executionArn = await run('observed');
      expect(seen.map((n) => n.event.id)).toEqual((await history(executionArn)).map((e) => e.id));
      expect(seen.at(-1)).toMatchObject({ executionArn, status: 'SUCCEEDED', event: { type: 'ExecutionSucceeded' } });
      expect(service.stats).toEqual({ transitions: 4, executions: 1 });
    });

    it('answers ThrottlingException when the fault injector throttles the operation', async () => {
      faults.set('states:StartExecution', { failNext: 1, failWith: 'throttle' });
      await expect(start('throttled')).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
      await expect(start('throttled')).resolves.toMatchObject({ executionArn: expect.stringContaining(':throttled') });
      await service.waitForExecution(`${stateMachineArn.replace(':stateMachine:', ':execution:')}:throttled`);
    });

    it('rejects a request signed with an unknown secret', async () => {
      const forged = new SFNClient({
        endpoint: service.url,
        region: 'us-east-1',
        credentials: { accessKeyId: SANDBOX_BACKEND_CREDENTIALS.accessKeyId, secretAccessKey: 'wrong' },
        maxAttempts: 1,
      });
      await expect(forged.send(new ListStateMachinesCommand({}))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
      forged.destroy();
    });
  });
});
