import { CognitoIdentityClient, LookupDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { userLookupBatch, type UserLookupWorkerDeps } from '../../../../../functions/gates/user-lookup-worker/core';
import { AdaptivePacer } from '../../../../../functions/shared/gates/adaptive-pacer';
import { MetricNames } from '../../../../../functions/shared/observability/metrics';
import { awsError, IDENTITY_ID, recordingCounter, recordingLog } from '../../../fixtures';

const identityMock = mockClient(CognitoIdentityClient);
const idpMock = mockClient(CognitoIdentityProviderClient);
const sfnMock = mockClient(SFNClient);
const SUB = '6b1f4c2e-8a7d-4f5b-9c3e-2d1a0b9c8e7f';
const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:IotOnboarding-offboarding';
const WINDOW = '2026-12-01T10:00:00.000Z';

const resolveRecord = (input: unknown, n = 1) => ({ messageId: `r${n}`, body: JSON.stringify({ taskToken: `token-${n}`, input }) });
const checkRecord = (identityId = IDENTITY_ID) => ({ messageId: 'c1', body: JSON.stringify({ check: { identityId, windowStart: WINDOW } }) });

function deps() {
  let now = 0;
  const pacer = new AdaptivePacer({ ceilingPerSecond: 10, now: () => now, sleep: async (ms) => void (now += ms) });
  const d: UserLookupWorkerDeps = {
    cognitoIdentity: new CognitoIdentityClient({ region: 'us-east-1' }),
    idp: new CognitoIdentityProviderClient({ region: 'us-east-1' }),
    sfn: new SFNClient({ region: 'us-east-1' }),
    identityPoolId: 'us-east-1:11111111-2222-3333-4444-555555555555',
    userPoolId: 'us-east-1_Pool1',
    offboardingStateMachineArn: STATE_MACHINE,
    pacer,
    remainingMs: () => 60_000 - now,
    reserveMs: 11_000,
    log: recordingLog(),
    metrics: recordingCounter(),
  };
  return { d, pacer };
}

const users = (enabled: boolean | undefined) => ({ Users: enabled === undefined ? [] : [{ Username: 'alice', Enabled: enabled, Attributes: [{ Name: 'sub', Value: SUB }] }] });

describe("the user-lookup gate's consumer", () => {
  beforeEach(() => {
    for (const mock of [identityMock, idpMock, sfnMock]) mock.reset();
    identityMock.on(LookupDeveloperIdentityCommand).resolves({ IdentityId: IDENTITY_ID, DeveloperUserIdentifierList: [SUB] });
    idpMock.on(ListUsersCommand).resolves(users(undefined));
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    sfnMock.on(SendTaskFailureCommand).resolves({});
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'x', startDate: new Date() });
  });

  it("answers offboarding's ResolveIdentity with the resolution, the user's name included (RecordResult reads the user by it)", async () => {
    idpMock.on(ListUsersCommand).resolves(users(false));
    const { d } = deps();
    expect(await userLookupBatch([resolveRecord({ sub: SUB, reason: 'disabled' })], d)).toEqual({ batchItemFailures: [] });
    const answer = sfnMock.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input;
    expect(answer?.taskToken).toBe('token-1');
    expect(JSON.parse(answer?.output ?? '')).toEqual({ sub: SUB, identityId: IDENTITY_ID, userState: 'disabled', username: 'alice', proceed: true });
    expect(idpMock.commandCalls(ListUsersCommand)).toHaveLength(1);
  });

  it('fails the execution with the step\'s named error when the input names another user\'s identity (not retried)', async () => {
    const other = 'us-east-1:99999999-9999-4999-8999-999999999999';
    identityMock.on(LookupDeveloperIdentityCommand).resolves({ IdentityId: other, DeveloperUserIdentifierList: [SUB] });
    const { d } = deps();
    await userLookupBatch([resolveRecord({ sub: SUB, identityId: IDENTITY_ID, reason: 'orphan' })], d);
    expect(sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toMatchObject({ taskToken: 'token-1', error: 'IdentityMismatch' });
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('fails with InvalidInput, saying what was wrong, for an input the workflow could not have sent', async () => {
    const { d } = deps();
    await userLookupBatch([resolveRecord({ reason: 'deleted' })], d);
    expect(sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toMatchObject({ error: 'InvalidInput', cause: expect.stringMatching(/sub or identityId is required/) });
  });

  it('slows down on ListUsers throttling and tries the same message again: counted, nothing lost, no execution retries', async () => {
    idpMock.on(ListUsersCommand).rejectsOnce(awsError('TooManyRequestsException', 429)).resolves(users(undefined));
    const { d, pacer } = deps();
    expect(await userLookupBatch([resolveRecord({ sub: SUB, reason: 'deleted' })], d)).toEqual({ batchItemFailures: [] });
    expect(pacer.ratePerSecond).toBeLessThan(10);
    expect((d.metrics as ReturnType<typeof recordingCounter>).counts.get(MetricNames.GateThrottled)).toBe(1);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it("starts the offboarding of a reconciler check whose user is gone, named for the check's window, and answers nobody", async () => {
    const { d } = deps();
    expect(await userLookupBatch([checkRecord()], d)).toEqual({ batchItemFailures: [] });
    const start = sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.stateMachineArn).toBe(STATE_MACHINE);
    expect(start?.name).toBe(`offboard-${SUB}-orphan-${Date.parse(WINDOW) / 1000}`);
    expect(JSON.parse(start?.input ?? '')).toEqual({ sub: SUB, identityId: IDENTITY_ID, reason: 'orphan' });
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('leaves an identity whose user is enabled alone', async () => {
    idpMock.on(ListUsersCommand).resolves(users(true));
    const { d } = deps();
    await userLookupBatch([checkRecord()], d);
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('drops a check Cognito refuses for good (the next run checks again), and redelivers a malformed message to the dead-letter queue', async () => {
    idpMock.on(ListUsersCommand).rejects(awsError('NotAuthorizedException', 400));
    const { d } = deps();
    const malformed = { messageId: 'bad', body: JSON.stringify({ check: { identityId: 'alice' } }) };
    expect(await userLookupBatch([checkRecord(), malformed], d)).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect((d.log as ReturnType<typeof recordingLog>).lines.some((l) => l.level === 'error' && /Reconciler check refused/.test(l.message))).toBe(true);
  });
});
