import { AttachPolicyCommand, DetachPolicyCommand, IoT, IoTClient } from '@aws-sdk/client-iot';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { policyBatch, type PolicyWorkerDeps } from '../../../../../functions/gates/policy-worker/core';
import { AdaptivePacer } from '../../../../../functions/shared/gates/adaptive-pacer';
import { awsError, IDENTITY_ID, recordingCounter, recordingLog } from '../../../fixtures';

const iotMock = mockClient(IoTClient);
const sfnMock = mockClient(SFNClient);
const OTHER = 'us-east-1:22222222-2222-4222-8222-222222222222';

const record = (n: number, identityId = IDENTITY_ID) => ({ messageId: `m${n}`, body: JSON.stringify({ taskToken: `token-${n}`, identityId }) });

function deps(overrides: { remainingMs?: () => number; ceiling?: number } = {}) {
  let now = 0;
  const waits: number[] = [];
  const pacer = new AdaptivePacer({
    ceilingPerSecond: overrides.ceiling ?? 10,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  });
  const d: PolicyWorkerDeps = {
    operation: 'attach',
    iot: new IoT({ region: 'us-east-1' }),
    sfn: new SFNClient({ region: 'us-east-1' }),
    policyName: 'IotOnboarding-user-iot',
    pacer,
    remainingMs: overrides.remainingMs ?? (() => 60_000 - now),
    reserveMs: 5_000,
    log: recordingLog(),
  };
  return { d, pacer, waits };
}

describe('the attach gate consumer', () => {
  beforeEach(() => {
    iotMock.reset();
    sfnMock.reset();
    iotMock.on(AttachPolicyCommand).resolves({});
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    sfnMock.on(SendTaskFailureCommand).resolves({});
  });

  it('attaches the policy to each identity at its pace and answers each waiting execution', async () => {
    const { d, waits } = deps();
    expect(await policyBatch([record(1), record(2, OTHER)], d)).toEqual({ batchItemFailures: [] });
    expect(iotMock.commandCalls(AttachPolicyCommand).map((c) => c.args[0].input)).toEqual([
      { policyName: 'IotOnboarding-user-iot', target: IDENTITY_ID },
      { policyName: 'IotOnboarding-user-iot', target: OTHER },
    ]);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'token-1', output: '{"attached":true}' },
      { taskToken: 'token-2', output: '{"attached":true}' },
    ]);
    expect(waits).toEqual([100]);
  });

  it('slows down when throttled and tries the same message again, one AttachPolicy call per throttle, none lost', async () => {
    iotMock.on(AttachPolicyCommand).rejectsOnce(awsError('ThrottlingException', 400)).rejectsOnce(awsError('ThrottlingException', 400)).resolves({});
    const { d, pacer } = deps();
    const metrics = recordingCounter();
    expect(await policyBatch([record(1)], { ...d, metrics })).toEqual({ batchItemFailures: [] });
    expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(3);
    expect(metrics.counts.get('GateThrottled')).toBe(2);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(pacer.ratePerSecond).toBe(2.5 + 0.5);
  });

  it('fails the execution with the integration error name when AttachPolicy refuses for good (10 policies per target)', async () => {
    iotMock.on(AttachPolicyCommand).rejects(awsError('LimitExceededException', 410, 'A limit has been exceeded'));
    const { d } = deps();
    expect(await policyBatch([record(1)], d)).toEqual({ batchItemFailures: [] });
    expect(sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toEqual({ taskToken: 'token-1', error: 'Iot.LimitExceededException', cause: 'A limit has been exceeded' });
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('leaves a message that keeps failing transiently for redelivery, after trying it again within the invocation', async () => {
    iotMock.on(AttachPolicyCommand).rejects(awsError('ServiceUnavailableException', 503));
    const { d } = deps();
    expect(await policyBatch([record(1), record(2)], d)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }] });
    expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(6);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('does not attach twice when only the answer failed: the retry sends the answer alone', async () => {
    sfnMock.on(SendTaskSuccessCommand).rejectsOnce(awsError('ServiceUnavailable', 503)).resolves({});
    const { d } = deps();
    expect(await policyBatch([record(1)], d)).toEqual({ batchItemFailures: [] });
    expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(1);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(2);
  });

  it.each(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'])('deletes a message whose execution no longer waits (%s)', async (name) => {
    sfnMock.on(SendTaskSuccessCommand).rejects(awsError(name, 400));
    const { d } = deps();
    expect(await policyBatch([record(1)], d)).toEqual({ batchItemFailures: [] });
  });

  it('reports what it cannot start before its reserve as batch item failures, so SQS delivers them again', async () => {
    let left = 5_600;
    const { d } = deps({ remainingMs: () => (left -= 300) });
    const result = await policyBatch([record(1), record(2), record(3)], d);
    expect(result.batchItemFailures.map((f: { itemIdentifier: string }) => f.itemIdentifier)).toEqual(['m2', 'm3']);
    expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(1);
  });

  it.each([
    ['not JSON', 'hello', /not JSON/],
    ['without a task token', JSON.stringify({ identityId: IDENTITY_ID }), /taskToken/],
    ['with a malformed identity id', JSON.stringify({ taskToken: 't', identityId: 'alice' }), /identityId/],
  ])('refuses a message %s and leaves it to the dead-letter queue, saying why', async (_label, body, reason) => {
    const { d } = deps();
    expect(await policyBatch([{ messageId: 'bad', body }, record(2)], d)).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(JSON.stringify((d.log as ReturnType<typeof recordingLog>).lines)).toMatch(reason);
    expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(1);
  });
});

describe('the detach gate consumer (the same worker, GATE_NAME=detach)', () => {
  beforeEach(() => {
    iotMock.reset();
    sfnMock.reset();
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    sfnMock.on(SendTaskFailureCommand).resolves({});
  });

  it('detaches the policy (never attaches) and answers {detached: true}', async () => {
    iotMock.on(DetachPolicyCommand).resolves({});
    const { d } = deps();
    expect(await policyBatch([record(1)], { ...d, operation: 'detach' })).toEqual({ batchItemFailures: [] });
    expect(iotMock.commandCalls(DetachPolicyCommand)[0]?.args[0].input).toEqual({ policyName: 'IotOnboarding-user-iot', target: IDENTITY_ID });
    expect(iotMock.commandCalls(AttachPolicyCommand)).toHaveLength(0);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input).toEqual({ taskToken: 'token-1', output: '{"detached":true}' });
  });

  it('fails the execution at DetachPolicy with Iot.<Exception> for a refusal, and slows down on throttling', async () => {
    iotMock.on(DetachPolicyCommand).rejectsOnce(awsError('ThrottlingException', 429)).rejects(awsError('InvalidRequestException', 400));
    const { d, pacer } = deps({ ceiling: 10 });
    expect(await policyBatch([record(1)], { ...d, operation: 'detach' })).toEqual({ batchItemFailures: [] });
    expect(pacer.ratePerSecond).toBeLessThan(10);
    expect(sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toMatchObject({ taskToken: 'token-1', error: 'Iot.InvalidRequestException' });
  });
});
