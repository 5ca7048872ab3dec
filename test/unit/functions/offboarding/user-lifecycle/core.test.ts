import { DescribeExecutionCommand, ExecutionAlreadyExists, RedriveExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { MetricNames } from '../../../../../functions/shared/observability/metrics';
import { onUserLifecycleEvent } from '../../../../../functions/offboarding/user-lifecycle/core';
import { awsError, recordingCounter, recordingLog, SUB } from '../../../fixtures';

const sfnMock = mockClient(SFNClient);
const sfn = new SFNClient({ region: 'us-east-1' });
const OFFBOARDING_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:IotOnboarding-offboarding';
const USER_POOL_ID = 'us-east-1_Abc123Def';
const EVENT_TIME = '2026-12-01T10:00:00Z';
const EPOCH = Date.parse(EVENT_TIME) / 1000;

/** An "AWS API Call via CloudTrail" event for a Cognito user-pool call, as EventBridge delivers it. */
function cloudTrailEvent(eventName: string, overrides: { userPoolId?: string | null; errorCode?: string } = {}) {
  const userPoolId = overrides.userPoolId === undefined ? USER_POOL_ID : overrides.userPoolId;
  return {
    version: '0',
    id: 'c2a7c1f4-0000-4000-8000-000000000001',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.cognito-idp',
    account: '123456789012',
    time: EVENT_TIME,
    region: 'us-east-1',
    resources: [],
    detail: {
      eventSource: 'cognito-idp.amazonaws.com',
      eventName,
      eventTime: EVENT_TIME,
      awsRegion: 'us-east-1',
      eventID: '0e6f0a1b-1111-4222-8333-444455556666',
      requestParameters: userPoolId === null ? null : { userPoolId, username: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      additionalEventData: { sub: SUB },
      ...(overrides.errorCode ? { errorCode: overrides.errorCode } : {}),
    },
  };
}

function deps() {
  return { sfn, log: recordingLog(), metrics: recordingCounter(), config: { stateMachineArn: OFFBOARDING_ARN, userPoolId: USER_POOL_ID } };
}

describe('user lifecycle handler core', () => {
  beforeEach(() => sfnMock.reset());

  it('starts offboarding of a deleted user with a name and input derived from the event', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'x', startDate: new Date() });
    const d = deps();
    expect(await onUserLifecycleEvent(cloudTrailEvent('AdminDeleteUser'), d)).toBe('started');
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: OFFBOARDING_ARN,
      name: `offboard-${SUB}-deleted-${EPOCH}`,
      input: JSON.stringify({ sub: SUB, reason: 'deleted' }),
    });
    expect(d.metrics.counts.get(MetricNames.OffboardingStarted)).toBe(1);
  });

  it('names a disable "disabled" and a self-service DeleteUser (no pool id) "deleted"', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'x', startDate: new Date() });
    await onUserLifecycleEvent(cloudTrailEvent('AdminDisableUser'), deps());
    await onUserLifecycleEvent(cloudTrailEvent('DeleteUser', { userPoolId: null }), deps());
    expect(sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([
      `offboard-${SUB}-disabled-${EPOCH}`,
      `offboard-${SUB}-deleted-${EPOCH}`,
    ]);
  });

  it('converges a duplicate delivery on the execution already running', async () => {
    sfnMock.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', startDate: new Date() });
    expect(await onUserLifecycleEvent(cloudTrailEvent('AdminDeleteUser'), deps())).toBe('already-running');
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('redrives a failed offboarding of the same event (shared start logic)', async () => {
    sfnMock.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', redriveStatus: 'REDRIVABLE', startDate: new Date() });
    sfnMock.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
    expect(await onUserLifecycleEvent(cloudTrailEvent('AdminDeleteUser'), deps())).toBe('redriven');
  });

  it('ignores events of another user pool in the account', async () => {
    expect(await onUserLifecycleEvent(cloudTrailEvent('AdminDeleteUser', { userPoolId: 'us-east-1_Other' }), deps())).toBe('other-pool');
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('ignores an event that is not a Cognito lifecycle call, and counts it', async () => {
    const d = deps();
    expect(await onUserLifecycleEvent({ 'detail-type': 'Scheduled Event', source: 'aws.events' }, d)).toBe('ignored');
    expect(await onUserLifecycleEvent(cloudTrailEvent('AdminEnableUser'), d)).toBe('ignored');
    expect(sfnMock.calls()).toHaveLength(0);
    expect(d.metrics.counts.get(MetricNames.OffboardingIgnoredEvents)).toBe(2);
  });

  it('throws when the start fails, so the asynchronous invocation is retried', async () => {
    sfnMock.on(StartExecutionCommand).rejects(awsError('ThrottlingException', 400));
    const d = deps();
    await expect(onUserLifecycleEvent(cloudTrailEvent('AdminDeleteUser'), d)).rejects.toThrow();
    expect(d.metrics.counts.get(MetricNames.OffboardingStartErrors)).toBe(1);
  });
});
