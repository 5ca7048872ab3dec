import { DescribeExecutionCommand, ExecutionNotRedrivable, ListExecutionsCommand, RedriveExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { redriveCommand } from '../../../../ops/commands/redrive';
import { ExitCodes, type Output } from '../../../../ops/output';
import { SUB } from '../../fixtures';

const sfnMock = mockClient(SFNClient);
const idpMock = mockClient(CognitoIdentityProviderClient);
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:IotOnboarding-onboarding';
const ARN = `arn:aws:states:us-east-1:123456789012:execution:IotOnboarding-onboarding:onboard-${SUB}-v1`;
const INPUT = JSON.stringify({ username: 'alice', sub: SUB, onboardingVersion: '1' });
const clients = { sfn: new SFNClient({ region: 'us-east-1' }), cognitoIdp: new CognitoIdentityProviderClient({ region: 'us-east-1' }) } as never;
const OFFBOARDING = 'arn:aws:states:us-east-1:123456789012:stateMachine:IotOnboarding-offboarding';
const OFFBOARDING_ARN = `arn:aws:states:us-east-1:123456789012:execution:IotOnboarding-offboarding:offboard-${SUB}-deleted-1767225000`;
const targets = { stateMachineArn: MACHINE, offboardingStateMachineArn: OFFBOARDING, userPoolId: 'us-east-1_Pool1' } as never;
const quiet: Output = { json: true, result() {}, progress() {}, warn() {} };
const options = { executionArns: [ARN], allFailed: false, workflow: 'onboarding' as const, sinceMs: 86_400_000, rate: 50, restart: false, sleep: async () => {} };
const tooOld = () => new ExecutionNotRedrivable({ message: 'Execution is older than 14 days', $metadata: {} });

describe('admin redrive', () => {
  beforeEach(() => {
    sfnMock.reset();
    // By default the leaving user is gone from the pool.
    idpMock.reset().on(ListUsersCommand).resolves({ Users: [] });
  });

  it('redrives a redrivable execution', async () => {
    sfnMock.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
    const { summary, exitCode } = await redriveCommand(clients, targets, quiet, options);
    expect(summary).toMatchObject({ redriven: 1, skipped: 0, errors: 0 });
    expect(exitCode).toBe(ExitCodes.Ok);
  });

  it('skips an execution too old to redrive and says to use --restart', async () => {
    sfnMock.on(RedriveExecutionCommand).rejects(tooOld());
    const { summary, exitCode } = await redriveCommand(clients, targets, quiet, options);
    expect(summary.outcomes[0]).toMatchObject({ result: 'skipped', reason: expect.stringContaining('--restart') });
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(exitCode).toBe(ExitCodes.Denied);
  });

  it('with --restart starts it afresh with the same input under a name derived from its stop time', async () => {
    const stopDate = new Date('2026-01-01T00:00:00Z');
    sfnMock.on(RedriveExecutionCommand).rejects(tooOld());
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', name: `onboard-${SUB}-v1`, stateMachineArn: MACHINE, input: INPUT, stopDate, executionArn: ARN, startDate: stopDate });
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${ARN}-r1767225600`, startDate: new Date() });
    const { summary } = await redriveCommand(clients, targets, quiet, { ...options, restart: true });
    expect(summary).toMatchObject({ restarted: 1, errors: 0 });
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({ stateMachineArn: MACHINE, name: `onboard-${SUB}-v1-r1767225600`, input: INPUT });
  });

  it.each(['SUCCEEDED', 'RUNNING'] as const)('with --restart leaves a %s execution alone (no second onboarding)', async (status) => {
    sfnMock.on(RedriveExecutionCommand).rejects(new ExecutionNotRedrivable({ message: `Execution cannot be redriven: status ${status}`, $metadata: {} }));
    sfnMock.on(DescribeExecutionCommand).resolves({ status, name: `onboard-${SUB}-v1`, stateMachineArn: MACHINE, input: INPUT, executionArn: ARN, startDate: new Date() });
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${ARN}-r1`, startDate: new Date() });
    const { summary } = await redriveCommand(clients, targets, quiet, { ...options, restart: true });
    expect(summary.outcomes[0]).toMatchObject({ result: 'skipped', reason: `execution is ${status}` });
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('--all-failed --workflow offboarding redrives the failed offboardings, not the onboardings', async () => {
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
    sfnMock.on(ListExecutionsCommand, { stateMachineArn: OFFBOARDING, statusFilter: 'FAILED' }).resolves({ executions: [{ executionArn: OFFBOARDING_ARN, stateMachineArn: OFFBOARDING, name: 'x', status: 'FAILED', startDate: new Date(), stopDate: new Date() }] });
    sfnMock.on(ListExecutionsCommand, { stateMachineArn: MACHINE, statusFilter: 'FAILED' }).resolves({ executions: [{ executionArn: ARN, stateMachineArn: MACHINE, name: 'y', status: 'FAILED', startDate: new Date(), stopDate: new Date() }] });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', input: JSON.stringify({ sub: SUB, reason: 'deleted' }), executionArn: OFFBOARDING_ARN, stateMachineArn: OFFBOARDING, startDate: new Date() });
    sfnMock.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
    const { summary } = await redriveCommand(clients, targets, quiet, { ...options, executionArns: [], allFailed: true, workflow: 'offboarding' });
    expect(summary).toMatchObject({ redriven: 1, errors: 0 });
    expect(sfnMock.commandCalls(RedriveExecutionCommand).map((c) => c.args[0].input.executionArn)).toEqual([OFFBOARDING_ARN]);
  });

  it('does not redrive the offboarding of a user who is enabled again (a redrive would skip ChooseAction)', async () => {
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', input: JSON.stringify({ sub: SUB, reason: 'disabled' }), executionArn: OFFBOARDING_ARN, stateMachineArn: OFFBOARDING, startDate: new Date() });
    sfnMock.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
    idpMock.on(ListUsersCommand).resolves({ Users: [{ Username: 'alice', Enabled: true, UserStatus: 'CONFIRMED', Attributes: [{ Name: 'sub', Value: SUB }] }] });
    const { summary, exitCode } = await redriveCommand(clients, targets, quiet, { ...options, executionArns: [OFFBOARDING_ARN], restart: true });
    expect(summary.outcomes[0]).toMatchObject({ result: 'skipped', reason: expect.stringContaining('enabled again') });
    expect(sfnMock.commandCalls(RedriveExecutionCommand)).toHaveLength(0);
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(exitCode).toBe(ExitCodes.Denied);
  });

  it('with --restart starts an offboarding named by ARN afresh on the offboarding state machine, whatever --workflow says', async () => {
    const stopDate = new Date('2026-01-01T00:00:00Z');
    const input = JSON.stringify({ sub: SUB, reason: 'deleted' });
    sfnMock.on(RedriveExecutionCommand).rejects(tooOld());
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', name: `offboard-${SUB}-deleted-1767225000`, stateMachineArn: OFFBOARDING, input, stopDate, executionArn: OFFBOARDING_ARN, startDate: stopDate });
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${OFFBOARDING_ARN}-r1767225600`, startDate: new Date() });
    const { summary } = await redriveCommand(clients, targets, quiet, { ...options, executionArns: [OFFBOARDING_ARN], restart: true });
    expect(summary).toMatchObject({ restarted: 1, errors: 0 });
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({ stateMachineArn: OFFBOARDING, name: `offboard-${SUB}-deleted-1767225000-r1767225600`, input });
  });

  it('holds the rate: waits between redrives', async () => {
    sfnMock.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
    const waits: number[] = [];
    await redriveCommand(clients, targets, quiet, { ...options, executionArns: [ARN, `${ARN}x`, `${ARN}y`], rate: 2, sleep: async (ms) => void waits.push(ms) });
    expect(waits).toHaveLength(2);
    for (const ms of waits) expect(ms).toBeGreaterThan(400);
  });

  it('counts an AWS failure as an error, not a skip', async () => {
    sfnMock.on(RedriveExecutionCommand).rejects(Object.assign(new Error('gone'), { name: 'ExecutionDoesNotExist' }));
    const { summary, exitCode } = await redriveCommand(clients, targets, quiet, options);
    expect(summary).toMatchObject({ errors: 1 });
    expect(exitCode).toBe(ExitCodes.Failed);
  });
});
