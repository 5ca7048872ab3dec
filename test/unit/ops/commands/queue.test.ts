import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { queueCommand } from '../../../../ops/commands/queue';
import type { Clients, Targets } from '../../../../ops/context';

const sqsMock = mockClient(SQSClient);
const targets = { attachQueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/attach', attachDeadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/attach-dlq' } as Targets;

function output() {
  const printed: unknown[] = [];
  return { printed, out: { result: (value: unknown) => printed.push(value) } as never };
}

describe('npm run admin -- queue', () => {
  beforeEach(() => sqsMock.reset());

  it("reports the attach gate's waiting, in-flight and dead-lettered messages and how long the wait drains at 12/s", async () => {
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: targets.attachQueueUrl }).resolves({ Attributes: { ApproximateNumberOfMessages: '25', ApproximateNumberOfMessagesNotVisible: '10' } });
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: targets.attachDeadLetterQueueUrl }).resolves({ Attributes: { ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '1' } });
    const { out, printed } = output();
    const backlog = await queueCommand({ sqs: new SQSClient({ region: 'us-east-1' }) } as unknown as Clients, targets, out);
    expect(backlog).toEqual({ gate: 'attach', waiting: 25, inFlight: 10, deadLettered: 3, drainSeconds: 3 });
    expect(printed).toEqual([backlog]);
  });

  it('reads an empty queue as nothing waiting', async () => {
    sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: {} });
    const { out } = output();
    expect(await queueCommand({ sqs: new SQSClient({ region: 'us-east-1' }) } as unknown as Clients, targets, out)).toMatchObject({ waiting: 0, inFlight: 0, deadLettered: 0, drainSeconds: 0 });
  });
});
