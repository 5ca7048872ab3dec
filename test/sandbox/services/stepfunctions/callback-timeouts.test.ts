import {
  DescribeExecutionCommand,
  RedriveExecutionCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { testFixture } from '../../../support/file-fixture';
import { admissionDefinition, admissionFixture, tokenOf } from '../../../support/sfn-callback-fixture';

const SECOND = 1_000;

// A fresh sandbox with the admission workflow for each test.
const f = testFixture(admissionFixture);

async function describe_(executionArn: string) {
  return f.sfn.send(new DescribeExecutionCommand({ executionArn }));
}

describe('callback task deadlines (sandbox clock)', () => {
  it('fails at the waiting state with States.HeartbeatTimeout when no heartbeat comes within HeartbeatSeconds', async () => {
    const executionArn = await f.start(f.stateMachineArn);
    const taskToken = tokenOf(await f.queue.nextMessage());

    f.clock.advance(60 * SECOND);

    expect(await f.service.waitForExecution(executionArn)).toBe('FAILED');
    expect(await describe_(executionArn)).toMatchObject({ error: 'States.HeartbeatTimeout', redriveStatus: 'REDRIVABLE' });
    const timedOut = (await f.history(executionArn)).find((e) => e.type === 'TaskTimedOut')?.taskTimedOutEventDetails;
    expect(timedOut).toMatchObject({ resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', error: 'States.HeartbeatTimeout' });
    await expect(f.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('keeps waiting while heartbeats come, and times out with States.Timeout at TimeoutSeconds regardless', async () => {
    const executionArn = await f.start(f.stateMachineArn);
    const taskToken = tokenOf(await f.queue.nextMessage());

    for (let elapsed = 50; elapsed <= 550; elapsed += 50) {
      f.clock.advance(50 * SECOND);
      await f.sfn.send(new SendTaskHeartbeatCommand({ taskToken }));
    }
    expect((await describe_(executionArn)).status).toBe('RUNNING');
    f.clock.advance(50 * SECOND);

    expect(await f.service.waitForExecution(executionArn)).toBe('FAILED');
    expect((await describe_(executionArn)).error).toBe('States.Timeout');
    await expect(f.sfn.send(new SendTaskHeartbeatCommand({ taskToken }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('lets a catcher on States.Timeout catch a heartbeat timeout, and States.TaskFailed not', async () => {
    const catching = f.register(
      'admission-catching',
      admissionDefinition(f.queue.queueUrl, {
        Catch: [
          { ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failed', Next: 'Refused' },
          { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Refused' },
        ],
      }),
    );
    const executionArn = await f.start(catching);
    await f.queue.nextMessage();

    f.clock.advance(60 * SECOND);

    expect(await f.service.waitForExecution(executionArn)).toBe('SUCCEEDED');
    const { output } = await describe_(executionArn);
    expect(JSON.parse(output ?? '')).toEqual({ username: 'alice', timeout: { Error: 'States.HeartbeatTimeout', Cause: expect.any(String) } });
  });

  it('times the execution out at its own TimeoutSeconds while a task without deadlines waits', async () => {
    const definition = admissionDefinition(f.queue.queueUrl, { HeartbeatSeconds: undefined, TimeoutSeconds: undefined }, 300);
    const untimed = f.register('admission-untimed', definition);
    const executionArn = await f.start(untimed);
    const taskToken = tokenOf(await f.queue.nextMessage());

    f.clock.advance(300 * SECOND);

    expect(await f.service.waitForExecution(executionArn)).toBe('TIMED_OUT');
    expect(await describe_(executionArn)).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect((await f.history(executionArn)).at(-1)?.type).toBe('ExecutionTimedOut');
    await expect(f.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('redrives an execution that failed at the waiting state: the state runs again with a new token', async () => {
    const executionArn = await f.start(f.stateMachineArn);
    const first = tokenOf(await f.queue.nextMessage());
    f.clock.advance(60 * SECOND);
    await f.service.waitForExecution(executionArn);

    await f.sfn.send(new RedriveExecutionCommand({ executionArn }));
    const second = tokenOf(await f.queue.nextMessage());
    await f.sfn.send(new SendTaskSuccessCommand({ taskToken: second, output: '{"slot":3}' }));

    expect(second).not.toBe(first);
    expect(await f.service.waitForExecution(executionArn)).toBe('SUCCEEDED');
    const redriven = await describe_(executionArn);
    expect(redriven.redriveCount).toBe(1);
    expect(JSON.parse(redriven.output ?? '')).toEqual({ username: 'alice', admission: { slot: 3 } });
  });

  it('ends the wait on StopExecution: ABORTED, TaskStateAborted, and the token answers TaskTimedOut', async () => {
    const executionArn = await f.start(f.stateMachineArn);
    const taskToken = tokenOf(await f.queue.nextMessage());

    await f.sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator.Cancelled' }));

    expect(await f.service.waitForExecution(executionArn)).toBe('ABORTED');
    expect((await f.history(executionArn)).slice(-2).map((e) => e.type)).toEqual(['TaskStateAborted', 'ExecutionAborted']);
    await expect(f.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
  });
});
