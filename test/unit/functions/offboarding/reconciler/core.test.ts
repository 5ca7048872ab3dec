import { CognitoIdentityClient, LookupDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { IoT, IoTClient, ListTargetsForPolicyCommand } from '@aws-sdk/client-iot';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { reconcile, type ReconcileOptions } from '../../../../../functions/offboarding/reconciler/core';
import { awsError, recordingCounter, recordingLog } from '../../../fixtures';
import { MetricNames } from '../../../../../functions/shared/observability/metrics';

const iotMock = mockClient(IoTClient);
const identityMock = mockClient(CognitoIdentityClient);
const idpMock = mockClient(CognitoIdentityProviderClient);
const sfnMock = mockClient(SFNClient);

const id = (n: number) => `us-east-1:0f1e2d3c-4b5a-6978-8a9b-0000000000${String(n).padStart(2, '0')}`;
const sub = (n: number) => `6b1f4c2e-8a7d-4f5b-9c3e-0000000000${String(n).padStart(2, '0')}`;
const NOW = new Date('2026-12-01T10:42:00Z');
const HOUR = Date.parse('2026-12-01T10:00:00Z') / 1000;
const OPTIONS: ReconcileOptions = {
  policyName: 'IotOnboarding-user-iot',
  identityPoolId: 'us-east-1:11111111-2222-3333-4444-555555555555',
  userPoolId: 'us-east-1_Pool1',
  offboardingStateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:IotOnboarding-offboarding',
  dryRun: false,
  ratePerSecond: 2,
};

/** Identity n is linked to sub n; users: 1 enabled, 2 disabled, 3 absent. */
function world() {
  iotMock.on(ListTargetsForPolicyCommand).callsFake((input: { marker?: string }) =>
    input.marker ? { targets: [id(3), 'arn:aws:iot:us-east-1:123456789012:cert/abc'] } : { targets: [id(1), id(2)], nextMarker: 'page2' },
  );
  identityMock.on(LookupDeveloperIdentityCommand).callsFake((input: { IdentityId: string }) => {
    const n = Number(input.IdentityId.slice(-2));
    return { IdentityId: input.IdentityId, DeveloperUserIdentifierList: [sub(n)] };
  });
  idpMock.on(ListUsersCommand).callsFake((input: { Filter: string }) => {
    const n = Number(/"(.*)"/.exec(input.Filter)?.[1]?.slice(-2));
    if (n === 3) return { Users: [] };
    return { Users: [{ Username: `user${n}`, Enabled: n === 1, Attributes: [{ Name: 'sub', Value: sub(n) }] }] };
  });
  sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'x', startDate: NOW });
}

function deps(sleeps: number[] = []) {
  return {
    iot: new IoT({ region: 'us-east-1' }),
    cognitoIdentity: new CognitoIdentityClient({ region: 'us-east-1' }),
    idp: new CognitoIdentityProviderClient({ region: 'us-east-1' }),
    sfn: new SFNClient({ region: 'us-east-1' }),
    log: recordingLog(),
    metrics: recordingCounter(),
    now: () => NOW,
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
  };
}

describe('reconciler core', () => {
  beforeEach(() => {
    for (const mock of [iotMock, identityMock, idpMock, sfnMock]) mock.reset();
    world();
  });

  it('offboards identities whose user is disabled or absent across every page, and leaves enabled users alone', async () => {
    const report = await reconcile(OPTIONS, deps());
    expect(report).toMatchObject({ checked: 3, complete: true });
    expect(report.findings.map((f) => [f.identityId, f.userState, f.action])).toEqual([
      [id(2), 'disabled', 'started'],
      [id(3), 'absent', 'started'],
    ]);
    expect(sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { stateMachineArn: OPTIONS.offboardingStateMachineArn, name: `offboard-${sub(2)}-disabled-${HOUR}`, input: JSON.stringify({ sub: sub(2), identityId: id(2), reason: 'disabled' }) },
      { stateMachineArn: OPTIONS.offboardingStateMachineArn, name: `offboard-${sub(3)}-orphan-${HOUR}`, input: JSON.stringify({ sub: sub(3), identityId: id(3), reason: 'orphan' }) },
    ]);
  });

  it('starts nothing in a dry run and lists what it would offboard', async () => {
    const report = await reconcile({ ...OPTIONS, dryRun: true }, deps());
    expect(report.findings.map((f) => f.action)).toEqual(['would-offboard', 'would-offboard']);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('holds the rate: waits between identity checks, never before the first', async () => {
    const sleeps: number[] = [];
    await reconcile({ ...OPTIONS, dryRun: true, ratePerSecond: 2 }, deps(sleeps));
    expect(sleeps).toHaveLength(2);
    for (const ms of sleeps) expect(ms).toBeGreaterThan(400);
  });

  it('treats an identity linked to no user as an orphan to offboard by its id', async () => {
    identityMock.on(LookupDeveloperIdentityCommand).resolves({ DeveloperUserIdentifierList: [] });
    const report = await reconcile(OPTIONS, deps());
    expect(report.findings.map((f) => f.userState)).toEqual(['no-user-linked', 'no-user-linked', 'no-user-linked']);
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input.name).toBe(`offboard-0f1e2d3c-4b5a-6978-8a9b-000000000001-orphan-${HOUR}`);
  });

  it('reports a start that failed, counts it for the start-errors alarm and goes on with the scan', async () => {
    sfnMock.on(StartExecutionCommand).rejectsOnce(awsError('ThrottlingException', 400)).resolves({ executionArn: 'x', startDate: NOW });
    const d = deps();
    const report = await reconcile(OPTIONS, d);
    expect(report.findings.map((f) => f.action)).toEqual(['error', 'started']);
    expect(report.findings[0]?.error).toMatch(/ThrottlingException/);
    expect(d.metrics.counts.get(MetricNames.OffboardingStartErrors)).toBe(1);
  });

  it('stops when its time budget is spent and says the scan is incomplete', async () => {
    let t = NOW.getTime();
    const d = { ...deps(), now: () => new Date((t += 1_000)) };
    const report = await reconcile({ ...OPTIONS, budgetMs: 1_500 }, d);
    expect(report.complete).toBe(false);
    expect(report.checked).toBeLessThan(3);
  });

  it('waits out ListUsers throttling (its 30 RPS is shared with offboarding) with growing, jittered backoff and finishes the scan', async () => {
    world();
    const throttled = awsError('TooManyRequestsException', 400);
    idpMock.on(ListUsersCommand).rejectsOnce(throttled).rejectsOnce(throttled).rejectsOnce(throttled).callsFake((input: { Filter: string }) => {
      const n = Number(/"(.*)"/.exec(input.Filter)?.[1]?.slice(-2));
      return n === 3 ? { Users: [] } : { Users: [{ Username: `user${n}`, Enabled: n === 1, Attributes: [{ Name: 'sub', Value: sub(n) }] }] };
    });
    const sleeps: number[] = [];
    // A fast pace (its waits stay under 1 ms) leaves only the backoff's waits to see.
    const report = await reconcile({ ...OPTIONS, ratePerSecond: 10_000 }, { ...deps(sleeps), random: () => 0.5 });
    expect(report).toMatchObject({ complete: true, checked: 3 });
    expect(report.findings.map((f) => f.identityId)).toEqual([id(2), id(3)]);
    // Full jitter (random 0.5) of the 1 s, 2 s and 4 s ceilings.
    expect(sleeps.filter((ms) => ms >= 1)).toEqual([500, 1_000, 2_000]);
  });

  it('gives up on a lookup still throttled after its retries: the scan stops with the named error', async () => {
    world();
    idpMock.on(ListUsersCommand).rejects(awsError('TooManyRequestsException', 400));
    await expect(reconcile(OPTIONS, { ...deps(), random: () => 0 })).rejects.toMatchObject({ name: 'UpstreamThrottled' });
    expect(idpMock.commandCalls(ListUsersCommand)).toHaveLength(9);
  });
});
