import { GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SandboxClock } from '../../sandbox/app/clock';
import { onSandboxClock } from '../../sandbox/app/sdk-clock';
import { startStepFunctions } from '../../sandbox/services/stepfunctions/service';
import { createTaskHandlers, type LambdaBindings, type SdkClients } from '../../sandbox/services/stepfunctions/task-runtime';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../sandbox/wire/account';
import { CredentialStore } from '../../sandbox/wire/credentials';
import { FaultInjector } from '../../sandbox/wire/faults';
import { startSqsQueueDouble, type ReceivedMessage } from './sqs-queue-double';

const REGION = 'us-east-1';

/**
 * An admission-style workflow: one callback task that sends the user to a queue with its task
 * token and waits (HeartbeatSeconds 60, TimeoutSeconds 600), a Retry on `Admission.Busy`, a
 * Catch on `Admission.Refused`. `overrides` replaces fields of the task state.
 */
export function admissionDefinition(queueUrl: string, overrides: Record<string, unknown> = {}, executionTimeoutSeconds = 3_600) {
  return {
    StartAt: 'Admit',
    TimeoutSeconds: executionTimeoutSeconds,
    States: {
      Admit: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: {
          QueueUrl: queueUrl,
          MessageBody: { 'username.$': '$.username', 'taskToken.$': '$$.Task.Token' },
          MessageGroupId: 'admission',
        },
        HeartbeatSeconds: 60,
        TimeoutSeconds: 600,
        ResultSelector: { 'slot.$': '$.slot' },
        ResultPath: '$.admission',
        Retry: [{ ErrorEquals: ['Admission.Busy'], IntervalSeconds: 5, MaxAttempts: 2 }],
        Catch: [{ ErrorEquals: ['Admission.Refused'], ResultPath: '$.refusal', Next: 'Refused' }],
        Next: 'Admitted',
        ...overrides,
      },
      Admitted: { Type: 'Pass', End: true },
      Refused: { Type: 'Pass', End: true },
    },
  };
}

/** The task token a callback task put in its message (`taskToken` in the JSON body). */
export function tokenOf(message: ReceivedMessage): string {
  const body = JSON.parse(message.MessageBody) as { taskToken?: unknown };
  if (typeof body.taskToken !== 'string') throw new Error(`no taskToken in ${message.MessageBody}`);
  return body.taskToken;
}

/**
 * The sandbox's Step Functions service on its own SandboxClock (deadlines pass with
 * `clock.advance`), an SQS queue double, a real SQS client pointed at it, and an SDK v3 SFN
 * client signing with the clock's time. Retry waits are 0 ms. `register` adds a state machine
 * whose tasks run through the SQS client and the given Lambda bindings and SDK clients.
 */
export async function sfnCallbackFixture() {
  const clock = new SandboxClock();
  const service = await startStepFunctions({
    faults: new FaultInjector(),
    store: new CredentialStore(),
    now: clock.now,
    timers: clock.timers,
    retryIntervalOverrides: 0,
  });
  const queue = await startSqsQueueDouble();
  const credentials = SANDBOX_BACKEND_CREDENTIALS;
  const sqs = new SQSClient({ region: REGION, endpoint: queue.url, credentials, maxAttempts: 1 });
  const sfn = onSandboxClock(new SFNClient({ region: REGION, endpoint: service.url, credentials, maxAttempts: 1 }), clock.now);
  const register = (name: string, definition: object, lambdas: LambdaBindings = {}, sdk: SdkClients = {}) =>
    service.registerStateMachine({
      name,
      definition: JSON.stringify(definition),
      handlers: createTaskHandlers(definition, { lambdas, sdk, sqs }),
    }).stateMachineArn;
  return {
    clock,
    service,
    queue,
    sfn,
    register,
    async start(stateMachineArn: string, input: object = { username: 'alice' }): Promise<string> {
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
      if (!executionArn) throw new Error('StartExecution returned no executionArn');
      return executionArn;
    },
    async history(executionArn: string): Promise<HistoryEvent[]> {
      return (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
    },
    async close(): Promise<void> {
      sfn.destroy();
      sqs.destroy();
      await service.close();
      await queue.close();
    },
  };
}

export type SfnCallbackFixture = Awaited<ReturnType<typeof sfnCallbackFixture>>;

/** An sfnCallbackFixture with the admission workflow (admissionDefinition) registered as `admission`: its ARN is `stateMachineArn`. */
export async function admissionFixture() {
  const fixture = await sfnCallbackFixture();
  return { ...fixture, stateMachineArn: fixture.register('admission', admissionDefinition(fixture.queue.queueUrl)) };
}
