import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  TaskTimedOut,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { testFixture } from '../../../support/file-fixture';
import { admissionFixture, tokenOf } from '../../../support/sfn-callback-fixture';

// A fresh sandbox with the admission workflow for each test.
const f = testFixture(admissionFixture);

const types = (events: readonly HistoryEvent[]) => events.map((e) => e.type);

describe('callback tasks (sqs:sendMessage.waitForTaskToken)', () => {
  it('sends the MessageBody as JSON text with a task token and waits, RUNNING, for it', async () => {
    const executionArn = await f.start(f.stateMachineArn);
    const message = await f.queue.nextMessage();

    expect(JSON.parse(message.MessageBody)).toEqual({ username: 'alice', taskToken: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/) });
    expect(message).toMatchObject({ QueueUrl: f.queue.queueUrl, MessageGroupId: 'admission' });
    expect((await f.sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
  });

  it('succeeds with the SendTaskSuccess output as the task result, through ResultSelector and ResultPath', async () => {
    const executionArn = await f.start(f.stateMachineArn);
    const taskToken = tokenOf(await f.queue.nextMessage());

    await f.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ slot: 7, ignored: true }) }));

    expect(await f.service.waitForExecution(executionArn)).toBe('SUCCEEDED');
    const { output } = await f.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(JSON.parse(output ?? '')).toEqual({ username: 'alice', admission: { slot: 7 } });
  });

  it('writes TaskScheduled with the token in its parameters, TaskStarted, TaskSubmitted with the SendMessage output, then TaskSucceeded', async () => {
    const executionArn = await f.start(f.stateMachineArn);
    const taskToken = tokenOf(await f.queue.nextMessage());
    await f.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{"slot":1}' }));
    await f.service.waitForExecution(executionArn);

    const events = await f.history(executionArn);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    const scheduled = events.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails;
    expect(scheduled).toMatchObject({ resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', heartbeatInSeconds: 60, timeoutInSeconds: 600 });
    expect(JSON.parse(scheduled?.parameters ?? '{}')).toMatchObject({ MessageBody: { taskToken } });
    const submitted = events.find((e) => e.type === 'TaskSubmitted')?.taskSubmittedEventDetails;
    expect(submitted).toMatchObject({ resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken' });
    expect(JSON.parse(submitted?.output ?? '{}')).toEqual({ MessageId: expect.any(String), MD5OfMessageBody: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(JSON.parse(events.find((e) => e.type === 'TaskSucceeded')?.taskSucceededEventDetails?.output ?? '')).toEqual({ slot: 1 });
  });

  it('retries an error its Retry names with a new token; the first token then answers TaskTimedOut', async () => {
    const executionArn = await f.start(f.stateMachineArn);
    const first = tokenOf(await f.queue.nextMessage());

    await f.sfn.send(new SendTaskFailureCommand({ taskToken: first, error: 'Admission.Busy', cause: 'queue full' }));
    const second = tokenOf(await f.queue.nextMessage());

    expect(second).not.toBe(first);
    await expect(f.sfn.send(new SendTaskSuccessCommand({ taskToken: first, output: '{"slot":1}' }))).rejects.toBeInstanceOf(TaskTimedOut);
    await f.sfn.send(new SendTaskSuccessCommand({ taskToken: second, output: '{"slot":2}' }));
    expect(await f.service.waitForExecution(executionArn)).toBe('SUCCEEDED');
    const failed = (await f.history(executionArn)).find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails;
    expect(failed).toMatchObject({ error: 'Admission.Busy', cause: 'queue full' });
  });

  it('moves to the Catch state with the SendTaskFailure error and cause at its ResultPath', async () => {
    const executionArn = await f.start(f.stateMachineArn);
    const taskToken = tokenOf(await f.queue.nextMessage());

    await f.sfn.send(new SendTaskFailureCommand({ taskToken, error: 'Admission.Refused', cause: 'banned' }));

    expect(await f.service.waitForExecution(executionArn)).toBe('SUCCEEDED');
    const { output } = await f.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(JSON.parse(output ?? '')).toEqual({ username: 'alice', refusal: { Error: 'Admission.Refused', Cause: 'banned' } });
    expect(types(await f.history(executionArn))).toContain('PassStateEntered');
  });

  it('fails the execution with the SendTaskFailure error when no Retry or Catch names it', async () => {
    const executionArn = await f.start(f.stateMachineArn);
    const taskToken = tokenOf(await f.queue.nextMessage());

    await f.sfn.send(new SendTaskFailureCommand({ taskToken, error: 'Admission.Unknown', cause: 'no such tier' }));

    expect(await f.service.waitForExecution(executionArn)).toBe('FAILED');
    expect(await f.sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ error: 'Admission.Unknown', cause: 'no such tier' });
  });

  it('runs sqs:sendMessage without the suffix as request-response: the SendMessage output is the result', async () => {
    const plain = f.register('notify', {
      StartAt: 'Notify',
      States: { Notify: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: f.queue.queueUrl, MessageBody: 'hello' }, End: true } },
    });
    const executionArn = await f.start(plain);

    expect(await f.service.waitForExecution(executionArn)).toBe('SUCCEEDED');
    expect((await f.queue.nextMessage()).MessageBody).toBe('hello');
    const { output } = await f.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(JSON.parse(output ?? '')).toEqual({ MessageId: expect.any(String), MD5OfMessageBody: '5d41402abc4b2a76b9719d911017c592' });
  });

  it('refuses $$.Task.Token in a task without .waitForTaskToken with States.Runtime (a sandbox rule)', async () => {
    const plain = f.register('notify-token', {
      StartAt: 'Notify',
      States: {
        Notify: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage',
          Parameters: { QueueUrl: f.queue.queueUrl, MessageBody: { 'token.$': '$$.Task.Token' } },
          End: true,
        },
      },
    });
    const executionArn = await f.start(plain);

    expect(await f.service.waitForExecution(executionArn)).toBe('FAILED');
    expect((await f.sfn.send(new DescribeExecutionCommand({ executionArn }))).error).toBe('States.Runtime');
    expect(f.queue.received).toHaveLength(0);
  });

  it('fails the task with SQS.<Error>Exception when SendMessage fails, without waiting', async () => {
    f.queue.failNext('QueueDoesNotExist', 'The specified queue does not exist.');
    const executionArn = await f.start(f.stateMachineArn);

    expect(await f.service.waitForExecution(executionArn)).toBe('FAILED');
    const described = await f.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.error).toBe('SQS.QueueDoesNotExistException');
    expect(types(await f.history(executionArn))).not.toContain('TaskSubmitted');
  });
});
