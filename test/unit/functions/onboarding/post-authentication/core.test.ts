import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionNotRedrivable,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { executionArnFor, onPostAuthentication } from '../../../../../functions/onboarding/post-authentication/core';
import { MetricNames } from '../../../../../functions/shared/observability/metrics';
import { awsError, postAuthEvent, recordingCounter, recordingLog, STATE_MACHINE_ARN, SUB } from '../../../fixtures';

const sfnMock = mockClient(SFNClient);
const sfn = new SFNClient({ region: 'us-east-1' });
const NAME = `onboard-${SUB}-v2`;
const EXECUTION_ARN = executionArnFor(STATE_MACHINE_ARN, NAME);

function deps(overrides: { budgetMs?: number } = {}) {
  const log = recordingLog();
  const metrics = recordingCounter();
  return { sfn, log, metrics, config: { stateMachineArn: STATE_MACHINE_ARN, onboardingVersion: '2', ...overrides } };
}

const alreadyExists = () => new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} });

describe('post-authentication trigger core', () => {
  beforeEach(() => sfnMock.reset());

  it('makes zero AWS calls for a user already onboarded at this version', async () => {
    const action = await onPostAuthentication(postAuthEvent({ 'custom:iot_onboarded': '2' }), deps());
    expect(action).toBe('skipped-onboarded');
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('starts one execution with a deterministic name and input for a new user', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
    const action = await onPostAuthentication(postAuthEvent(), deps());
    expect(action).toBe('started');
    expect(sfnMock.calls()).toHaveLength(1);
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE_ARN,
      name: NAME,
      input: JSON.stringify({ username: 'alice', sub: SUB, onboardingVersion: '2' }),
    });
  });

  it('starts a fresh onboarding after an offboarding, named after the offboarded marker', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
    expect(await onPostAuthentication(postAuthEvent({ 'custom:iot_onboarded': 'off-1764583200' }), deps())).toBe('started');
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input.name).toBe(`${NAME}-r1764583200`);
  });

  it('onboards again a user onboarded at an older version', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
    expect(await onPostAuthentication(postAuthEvent({ 'custom:iot_onboarded': '1' }), deps())).toBe('started');
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input.name).toBe(NAME);
  });

  it('leaves a running execution of the same name alone', async () => {
    sfnMock.on(StartExecutionCommand).rejects(alreadyExists());
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', executionArn: EXECUTION_ARN, stateMachineArn: STATE_MACHINE_ARN, startDate: new Date() });
    expect(await onPostAuthentication(postAuthEvent(), deps())).toBe('already-running');
    expect(sfnMock.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toEqual({ executionArn: EXECUTION_ARN });
    expect(sfnMock.commandCalls(RedriveExecutionCommand)).toHaveLength(0);
  });

  it('leaves a succeeded execution of the same name alone, even when the event predates it', async () => {
    sfnMock.on(StartExecutionCommand).rejects(alreadyExists());
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', executionArn: EXECUTION_ARN, stateMachineArn: STATE_MACHINE_ARN, startDate: new Date() });
    expect(await onPostAuthentication(postAuthEvent(), deps())).toBe('already-succeeded');
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(sfnMock.commandCalls(RedriveExecutionCommand)).toHaveLength(0);
  });

  it('redrives a failed execution of the same name', async () => {
    sfnMock.on(StartExecutionCommand).rejects(alreadyExists());
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', redriveStatus: 'REDRIVABLE', executionArn: EXECUTION_ARN, stateMachineArn: STATE_MACHINE_ARN, startDate: new Date() });
    sfnMock.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
    const d = deps();
    expect(await onPostAuthentication(postAuthEvent(), d)).toBe('redriven');
    expect(sfnMock.commandCalls(RedriveExecutionCommand)[0]?.args[0].input).toEqual({ executionArn: EXECUTION_ARN });
    expect(d.metrics.counts.get(MetricNames.OnboardingRedriven)).toBe(1);
  });

  it('replaces a failed execution that can no longer be redriven with a deterministic new name', async () => {
    const stopDate = new Date('2026-01-01T00:00:00Z');
    sfnMock.on(StartExecutionCommand, { name: NAME }).rejects(alreadyExists());
    sfnMock.on(StartExecutionCommand, { name: `${NAME}-r${stopDate.getTime() / 1000}` }).resolves({ executionArn: 'x', startDate: new Date() });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', redriveStatus: 'NOT_REDRIVABLE', stopDate, executionArn: EXECUTION_ARN, stateMachineArn: STATE_MACHINE_ARN, startDate: new Date() });
    expect(await onPostAuthentication(postAuthEvent(), deps())).toBe('replaced');
    expect(sfnMock.commandCalls(RedriveExecutionCommand)).toHaveLength(0);
    expect(sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([NAME, `${NAME}-r1767225600`]);
  });

  it('replaces the execution when RedriveExecution answers ExecutionNotRedrivable', async () => {
    const stopDate = new Date('2026-01-01T00:00:00Z');
    sfnMock.on(StartExecutionCommand, { name: NAME }).rejects(alreadyExists());
    sfnMock.on(StartExecutionCommand, { name: `${NAME}-r1767225600` }).resolves({ executionArn: 'x', startDate: new Date() });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'TIMED_OUT', stopDate, executionArn: EXECUTION_ARN, stateMachineArn: STATE_MACHINE_ARN, startDate: new Date() });
    sfnMock.on(RedriveExecutionCommand).rejects(new ExecutionNotRedrivable({ message: 'too old', $metadata: {} }));
    expect(await onPostAuthentication(postAuthEvent(), deps())).toBe('replaced');
  });

  it('never redrives an execution Step Functions reports NOT_REDRIVABLE, even if a redrive would be accepted', async () => {
    const stopDate = new Date('2026-01-01T00:00:00Z');
    sfnMock.on(StartExecutionCommand, { name: NAME }).rejects(alreadyExists());
    sfnMock.on(StartExecutionCommand, { name: `${NAME}-r1767225600` }).resolves({ executionArn: 'x', startDate: new Date() });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', redriveStatus: 'NOT_REDRIVABLE', stopDate, executionArn: EXECUTION_ARN, stateMachineArn: STATE_MACHINE_ARN, startDate: new Date() });
    sfnMock.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
    expect(await onPostAuthentication(postAuthEvent(), deps())).toBe('replaced');
    expect(sfnMock.commandCalls(RedriveExecutionCommand)).toHaveLength(0);
  });

  it('starts at most 2 replacements per sign-in, then reports the failure', async () => {
    // Every name exists and is closed for good: the chain must stop.
    sfnMock.on(StartExecutionCommand).rejects(alreadyExists());
    let stop = Date.parse('2026-01-01T00:00:00Z');
    sfnMock.on(DescribeExecutionCommand).callsFake(() => ({
      status: 'FAILED',
      redriveStatus: 'NOT_REDRIVABLE',
      stopDate: new Date((stop += 1_000)),
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      startDate: new Date(0),
    }));
    const d = deps();
    expect(await onPostAuthentication(postAuthEvent(), d)).toBe('failed');
    // The original name plus 2 replacements.
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(3);
    expect(d.metrics.counts.get(MetricNames.TriggerErrors)).toBe(1);
  });

  it('reports and counts a Step Functions failure without throwing', async () => {
    sfnMock.on(StartExecutionCommand).rejects(awsError('ServiceUnavailable', 503, 'secret internals'));
    const d = deps();
    expect(await onPostAuthentication(postAuthEvent(), d)).toBe('failed');
    expect(d.metrics.counts.get(MetricNames.TriggerErrors)).toBe(1);
    expect(d.log.lines.find((l) => l.level === 'error')?.attributes).toMatchObject({ sub: SUB, onboardingVersion: '2' });
  });

  it('gives up within its time budget when Step Functions does not answer', async () => {
    const hanging = {
      send: (_command: unknown, options?: { abortSignal?: AbortSignal }) =>
        new Promise((_resolve, reject) => options?.abortSignal?.addEventListener('abort', () => reject(new Error('aborted')))),
    } as unknown as SFNClient;
    const d = { ...deps({ budgetMs: 30 }), sfn: hanging };
    expect(await onPostAuthentication(postAuthEvent(), d)).toBe('failed');
  });

  it.each([
    ['null', null],
    ['a non-post-authentication trigger', { ...postAuthEvent(), triggerSource: 'PreSignUp_SignUp' }],
    ['a missing sub', { ...postAuthEvent(), request: { userAttributes: { email: 'a@b.c' } } }],
    ['a sub that is not a uuid', postAuthEvent({ sub: 'not-a-uuid' })],
    ['a missing userName', { ...postAuthEvent(), userName: undefined }],
  ])('counts %s as an invalid event and makes no AWS call', async (_label, event) => {
    const d = deps();
    expect(await onPostAuthentication(event, d)).toBe('invalid-event');
    expect(sfnMock.calls()).toHaveLength(0);
    expect(d.metrics.counts.get(MetricNames.TriggerInvalidEvents)).toBe(1);
    expect(d.log.lines[0]?.attributes?.expected).toContain('PostAuthentication_');
  });
});
