import {
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DetachPolicyCommand,
  IoTClient,
  ListPolicyVersionsCommand,
  ListTargetsForPolicyCommand,
} from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { tearDownPolicies, type PolicyCleanupOptions } from '../../../../../functions/stack/policy-cleanup/core';
import { answerRequest } from '../../../../../functions/shared/aws/custom-resource';
import { MAX_DETACH_ROUNDS } from '../../../../../functions/stack/policy-cleanup/targets';
import { silentLog } from '../../../../../functions/shared/observability/logging';
import { awsError } from '../../../fixtures';

const iotMock = mockClient(IoTClient);
const iot = new IoTClient({ region: 'us-east-1' });
const conflict = () => awsError('DeleteConflictException', 409, 'The policy cannot be deleted as the policy is attached to one or more principals');

/** A clock that only the injected sleep moves, and the waits it was asked for. */
function fakeTime() {
  let t = 0;
  const waits: number[] = [];
  return { waits, now: () => t, sleep: async (ms: number) => void (waits.push(ms), (t += ms)) };
}

const fast: PolicyCleanupOptions = { ratePerSecond: 1000 };

beforeEach(() => {
  iotMock.reset();
  iotMock.on(ListTargetsForPolicyCommand).resolves({ targets: [] });
  iotMock.on(ListPolicyVersionsCommand).resolves({ policyVersions: [{ versionId: '1', isDefaultVersion: true }] });
  iotMock.on(DeletePolicyCommand).resolves({});
});

describe('policy cleanup: detaching', () => {
  it('detaches every target of every page, lists again until none is left, then deletes the policy', async () => {
    let round = 0;
    iotMock.on(ListTargetsForPolicyCommand).callsFake((input: { marker?: string }) => {
      if (round >= 2) return { targets: [] };
      if (input.marker) {
        round += 1;
        return { targets: ['t3'] };
      }
      return { targets: ['t1', 't2'], nextMarker: 'm' };
    });
    iotMock.on(DetachPolicyCommand).resolves({});
    const report = await tearDownPolicies(['p'], { iot, log: silentLog, ...fakeTime() }, fast);
    expect(report).toMatchObject({ detached: 6, deleted: ['p'] });
    expect(iotMock.commandCalls(DetachPolicyCommand)[0]?.args[0].input).toEqual({ policyName: 'p', target: 't1' });
  });

  it('fails with CleanupIncomplete instead of reporting success when targets keep being attached', async () => {
    iotMock.on(ListTargetsForPolicyCommand).resolves({ targets: ['us-east-1:re-attached'] });
    iotMock.on(DetachPolicyCommand).resolves({});
    await expect(tearDownPolicies(['p'], { iot, log: silentLog, ...fakeTime() }, fast)).rejects.toMatchObject({
      name: 'CleanupIncomplete',
      message: expect.stringContaining('kept appearing'),
    });
    expect(iotMock.commandCalls(DetachPolicyCommand)).toHaveLength(MAX_DETACH_ROUNDS);
    expect(iotMock.commandCalls(DeletePolicyCommand)).toHaveLength(0);
  });

  it('counts a target that is already gone as detached', async () => {
    iotMock.on(ListTargetsForPolicyCommand).resolvesOnce({ targets: ['us-east-1:deleted-identity'] }).resolves({ targets: [] });
    iotMock.on(DetachPolicyCommand).rejects(awsError('ResourceNotFoundException', 404));
    expect(await tearDownPolicies(['p'], { iot, log: silentLog, ...fakeTime() }, fast)).toMatchObject({ deleted: ['p'] });
  });
});

describe('policy cleanup: deleting', () => {
  it('deletes the non-default versions first, then the policy with its default version', async () => {
    iotMock.on(ListPolicyVersionsCommand).resolves({
      policyVersions: [{ versionId: '3', isDefaultVersion: true }, { versionId: '1', isDefaultVersion: false }, { versionId: '2', isDefaultVersion: false }],
    });
    iotMock.on(DeletePolicyVersionCommand).resolves({});
    await tearDownPolicies(['p'], { iot, log: silentLog, ...fakeTime() }, fast);
    const calls = iotMock.calls().map((c) => c.args[0]).filter((c) => c instanceof DeletePolicyVersionCommand || c instanceof DeletePolicyCommand);
    expect(calls.map((c) => [c.constructor.name, c.input])).toEqual([
      ['DeletePolicyVersionCommand', { policyName: 'p', policyVersionId: '1' }],
      ['DeletePolicyVersionCommand', { policyName: 'p', policyVersionId: '2' }],
      ['DeletePolicyCommand', { policyName: 'p' }],
    ]);
  });

  it('retries DeletePolicy answered DeleteConflict after growing waits, detaching again each round, until it succeeds', async () => {
    iotMock.on(DeletePolicyCommand).rejectsOnce(conflict()).rejectsOnce(conflict()).resolves({});
    const time = fakeTime();
    const report = await tearDownPolicies(['p'], { iot, log: silentLog, ...time }, fast);
    expect(report).toMatchObject({ deleted: ['p'], rounds: 3 });
    expect(time.waits).toEqual([5_000, 10_000]);
    expect(iotMock.commandCalls(ListTargetsForPolicyCommand)).toHaveLength(3);
  });

  it('gives up after its last round with CleanupIncomplete naming the policy, never reporting success', async () => {
    iotMock.on(DeletePolicyCommand).rejects(conflict());
    const options = { ...fast, conflictBackoff: { firstMs: 5_000, maxMs: 30_000, maxRounds: 3 } };
    await expect(tearDownPolicies(['p'], { iot, log: silentLog, ...fakeTime() }, options)).rejects.toMatchObject({
      name: 'CleanupIncomplete',
      message: expect.stringMatching(/DeletePolicy of p still answered DeleteConflict after 3 round\(s\)/),
    });
    expect(iotMock.commandCalls(DeletePolicyCommand)).toHaveLength(3);
  });

  it('begins no wait that would end past its time budget', async () => {
    iotMock.on(DeletePolicyCommand).rejects(conflict());
    const time = fakeTime();
    // 5 s fits in 12 s; the next 10 s would end at 15 s.
    await expect(tearDownPolicies(['p'], { iot, log: silentLog, ...time }, { ...fast, budgetMs: 12_000 })).rejects.toMatchObject({ name: 'CleanupIncomplete' });
    expect(time.waits).toEqual([5_000]);
  });

  it('treats a policy already deleted as done, whether the listing or the deletion finds it gone', async () => {
    iotMock.on(ListTargetsForPolicyCommand, { policyName: 'gone-before' }).rejects(awsError('ResourceNotFoundException', 404));
    iotMock.on(DeletePolicyCommand, { policyName: 'gone-meanwhile' }).rejects(awsError('ResourceNotFoundException', 404));
    const report = await tearDownPolicies(['gone-before', 'gone-meanwhile'], { iot, log: silentLog, ...fakeTime() }, fast);
    expect(report).toMatchObject({ deleted: [], alreadyGone: ['gone-before', 'gone-meanwhile'], rounds: 1 });
  });

  it('waits once for every policy still conflicting, not once per policy', async () => {
    iotMock.on(DeletePolicyCommand).rejectsOnce(conflict()).rejectsOnce(conflict()).resolves({});
    const time = fakeTime();
    expect(await tearDownPolicies(['user', 'device'], { iot, log: silentLog, ...time }, fast)).toMatchObject({ deleted: ['user', 'device'], rounds: 2 });
    expect(time.waits).toEqual([5_000]);
  });
});

describe('policy cleanup: time budget', () => {
  it('starts no call once its time budget is spent and fails naming what it detached, so the stack answer is never late', async () => {
    iotMock.on(ListTargetsForPolicyCommand).resolves({ targets: ['t1', 't2', 't3'] });
    iotMock.on(DetachPolicyCommand).resolves({});
    let t = 0;
    // Every clock read moves 400 ms: the budget of 1,000 ms is spent before the third detach.
    const deps = { iot, log: silentLog, sleep: async () => undefined, now: () => (t += 400) };
    await expect(tearDownPolicies(['p'], deps, { ...fast, budgetMs: 1_000 })).rejects.toMatchObject({
      name: 'CleanupIncomplete',
      message: expect.stringContaining('after detaching 1 target(s)'),
    });
    expect(iotMock.commandCalls(DetachPolicyCommand)).toHaveLength(1);
  });

  it('checks its budget before every page of a long listing too, so listing cannot run past it', async () => {
    let pages = 0;
    // Ten pages: long enough that a listing without the check would outlast the budget, finite so it fails fast.
    iotMock.on(ListTargetsForPolicyCommand).callsFake(() => ({ targets: [`t${++pages}`], ...(pages < 10 ? { nextMarker: `m${pages}` } : {}) }));
    let t = 0;
    const deps = { iot, log: silentLog, sleep: async () => undefined, now: () => (t += 400) };
    await expect(tearDownPolicies(['p'], deps, { ...fast, budgetMs: 1_000 })).rejects.toMatchObject({ name: 'CleanupIncomplete' });
    expect(pages).toBe(2);
    expect(iotMock.commandCalls(DetachPolicyCommand)).toHaveLength(0);
  });
});

describe('policy cleanup: the answer to CloudFormation', () => {
  const request = { RequestType: 'Delete', StackId: 'arn:stack', RequestId: 'r1', LogicalResourceId: 'Cleanup', PhysicalResourceId: 'policy-cleanup-Cleanup' } as const;

  it('answers FAILED with the reason, never SUCCESS, when DeletePolicy keeps answering DeleteConflict', async () => {
    iotMock.on(DeletePolicyCommand).rejects(conflict());
    const options = { ...fast, conflictBackoff: { firstMs: 5_000, maxMs: 30_000, maxRounds: 2 } };
    const answer = await answerRequest(request, { Delete: () => tearDownPolicies(['p'], { iot, log: silentLog, ...fakeTime() }, options) }, silentLog, 'policy-cleanup');
    expect(answer).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/^CleanupIncomplete: DeletePolicy of p still answered DeleteConflict/) });
  });

  it('answers SUCCESS once the policies are deleted or already gone', async () => {
    iotMock.on(ListTargetsForPolicyCommand, { policyName: 'gone' }).rejects(awsError('ResourceNotFoundException', 404));
    const answer = await answerRequest(request, { Delete: () => tearDownPolicies(['p', 'gone'], { iot, log: silentLog, ...fakeTime() }, fast) }, silentLog, 'policy-cleanup');
    expect(answer).toEqual({ Status: 'SUCCESS', Reason: 'OK', PhysicalResourceId: 'policy-cleanup-Cleanup', StackId: 'arn:stack', RequestId: 'r1', LogicalResourceId: 'Cleanup' });
  });

  it('answers Create and Update without touching IoT', async () => {
    const answer = await answerRequest({ ...request, RequestType: 'Create', PhysicalResourceId: undefined }, { Delete: () => Promise.reject(new Error('must not run')) }, silentLog, 'policy-cleanup');
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'policy-cleanup-Cleanup' });
  });
});
