import { IoT, IoTClient, ListTargetsForPolicyCommand } from '@aws-sdk/client-iot';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { queueChecks } from '../../../../../functions/offboarding/reconciler/queue-checks';
import { parseUserLookupMessage } from '../../../../../functions/shared/gates/messages';
import { awsError, recordingLog } from '../../../fixtures';

const iotMock = mockClient(IoTClient);
const sqsMock = mockClient(SQSClient);
const id = (n: number) => `us-east-1:0f1e2d3c-4b5a-6978-8a9b-${String(n).padStart(12, '0')}`;
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/user-lookup';
const OPTIONS = { policyName: 'IotOnboarding-user-iot', queueUrl: QUEUE };
const NOW = new Date('2026-12-01T10:42:00Z');
const deps = () => ({ iot: new IoT({ region: 'us-east-1' }), sqs: new SQSClient({ region: 'us-east-1' }), log: recordingLog(), now: () => NOW });

/** 23 identities over two pages, and a certificate target the reconciler must skip. */
function targets() {
  iotMock.on(ListTargetsForPolicyCommand).callsFake((input: { marker?: string }) =>
    input.marker
      ? { targets: [...Array.from({ length: 8 }, (_, i) => id(i + 16)), 'arn:aws:iot:us-east-1:123456789012:cert/abc'] }
      : { targets: Array.from({ length: 15 }, (_, i) => id(i + 1)), nextMarker: 'page2' },
  );
}

const sentBodies = () => sqsMock.commandCalls(SendMessageBatchCommand).flatMap((c) => (c.args[0].input.Entries ?? []).map((e) => e.MessageBody ?? ''));

describe('the scheduled reconciler: checks queued on the user-lookup gate', () => {
  beforeEach(() => {
    iotMock.reset();
    sqsMock.reset();
    targets();
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  });

  it('queues every identity holding the policy once, ten to a batch, for the hour window it runs in; certificates are skipped', async () => {
    const report = await queueChecks(OPTIONS, deps());
    expect(report).toEqual({ queued: 23, refused: 0, complete: true });
    expect(sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    expect(sqsMock.commandCalls(SendMessageBatchCommand).every((c) => c.args[0].input.QueueUrl === QUEUE)).toBe(true);
    const bodies = sentBodies();
    expect(new Set(bodies).size).toBe(23);
    // Each is a message the gate's consumer accepts, for the window that names the executions it starts.
    expect(parseUserLookupMessage({ messageId: 'm', body: bodies[0] as string })).toEqual({ check: { identityId: id(1), windowStart: '2026-12-01T10:00:00.000Z' } });
  });

  it('sends an entry SQS refused once more, and counts what it refused twice for the next run', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '3', Code: 'InternalError', SenderFault: false }, { Id: '7', Code: 'InternalError', SenderFault: false }] })
      .resolvesOnce({ Failed: [{ Id: '7', Code: 'InternalError', SenderFault: false }] })
      .resolves({ Failed: [] });
    const d = deps();
    const report = await queueChecks(OPTIONS, d);
    expect(report).toMatchObject({ queued: 23, refused: 1 });
    expect(sqsMock.commandCalls(SendMessageBatchCommand)[1]?.args[0].input.Entries?.map((e) => e.Id)).toEqual(['3', '7']);
    expect(d.log.lines.some((l) => l.level === 'warn' && l.attributes?.refused === 1)).toBe(true);
  });

  it('stops listing when its budget is spent, queues what it has, and says the run was incomplete', async () => {
    let t = NOW.getTime();
    const report = await queueChecks({ ...OPTIONS, budgetMs: 5 }, { ...deps(), now: () => new Date((t += 1)) });
    expect(report.complete).toBe(false);
    expect(report.queued).toBe(sentBodies().length);
    expect(report.queued).toBeLessThan(23);
  });

  it('fails with a named upstream error when SQS refuses the batch itself', async () => {
    sqsMock.on(SendMessageBatchCommand).rejects(awsError('AccessDenied', 403));
    await expect(queueChecks(OPTIONS, deps())).rejects.toMatchObject({ name: 'UpstreamRejected' });
  });
});
