import {
  DescribeExecutionCommand,
  InvalidOutput,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNServiceException,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import type { LambdaFunction } from '../../../../sandbox/services/stepfunctions/task-runtime';
import { testFixture } from '../../../support/file-fixture';
import { admissionFixture, tokenOf } from '../../../support/sfn-callback-fixture';

// A fresh sandbox with the admission workflow for each test.
const f = testFixture(admissionFixture);

async function waitingToken(): Promise<{ executionArn: string; taskToken: string }> {
  const executionArn = await f.start(f.stateMachineArn);
  return { executionArn, taskToken: tokenOf(await f.queue.nextMessage()) };
}

describe('SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat errors', () => {
  it('refuses a token the service never issued with InvalidToken, on all three operations', async () => {
    const { taskToken } = await waitingToken();
    const forged = `${taskToken.slice(0, -1)}${taskToken.endsWith('A') ? 'B' : 'A'}`;

    for (const token of ['not-a-token', forged]) {
      await expect(f.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(InvalidToken);
      await expect(f.sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'E' }))).rejects.toBeInstanceOf(InvalidToken);
      await expect(f.sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }))).rejects.toBeInstanceOf(InvalidToken);
    }
  });

  it('answers TaskTimedOut for a token whose task already closed', async () => {
    const { executionArn, taskToken } = await waitingToken();
    await f.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{"slot":1}' }));
    await f.service.waitForExecution(executionArn);

    await expect(f.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{"slot":2}' }))).rejects.toBeInstanceOf(TaskTimedOut);
    await expect(f.sfn.send(new SendTaskFailureCommand({ taskToken, error: 'Late' }))).rejects.toBeInstanceOf(TaskTimedOut);
    await expect(f.sfn.send(new SendTaskHeartbeatCommand({ taskToken }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('refuses output that is not JSON with InvalidOutput and keeps the task waiting', async () => {
    const { executionArn, taskToken } = await waitingToken();

    await expect(f.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{slot: 1' }))).rejects.toBeInstanceOf(InvalidOutput);

    expect((await f.sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await f.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{"slot":1}' }));
    expect(await f.service.waitForExecution(executionArn)).toBe('SUCCEEDED');
  });

  it('answers ValidationException for an empty or over-long token (1-2048 characters)', async () => {
    for (const taskToken of ['', 'x'.repeat(2049)]) {
      const error: unknown = await f.sfn.send(new SendTaskHeartbeatCommand({ taskToken })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SFNServiceException);
      expect((error as SFNServiceException).name).toBe('ValidationException');
    }
  });
});

describe('lambda:invoke.waitForTaskToken', () => {
  it('passes the token in the payload; a function that answers before returning still gets TaskSubmitted first', async () => {
    const fn = 'arn:aws:lambda:us-east-1:000000000000:function:admit';
    const answering: LambdaFunction = async (payload) => {
      const { token } = payload as { token: string };
      await f.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"slot":9}' }));
      return { queued: true };
    };
    const definition = {
      StartAt: 'Admit',
      States: {
        Admit: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: fn, Payload: { 'token.$': '$$.Task.Token' } },
          End: true,
        },
      },
    };
    const executionArn = await f.start(f.register('admission-lambda', definition, { [fn]: answering }));

    expect(await f.service.waitForExecution(executionArn)).toBe('SUCCEEDED');
    expect(JSON.parse((await f.sfn.send(new DescribeExecutionCommand({ executionArn }))).output ?? '')).toEqual({ slot: 9 });
    const events = await f.history(executionArn);
    expect(events.map((e) => e.type).filter((t) => t?.startsWith('Task') && t !== 'TaskStateEntered')).toEqual([
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
    ]);
    expect(JSON.parse(events.find((e) => e.type === 'TaskSubmitted')?.taskSubmittedEventDetails?.output ?? '')).toMatchObject({
      Payload: { queued: true },
      StatusCode: 200,
    });
  });
});
