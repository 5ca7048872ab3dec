import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { queueCommand } from '../../../../ops/commands/queue';
import type { Clients, Targets } from '../../../../ops/context';

const sqsMock = mockClient(SQSClient);
const url = (name: string) => `https://sqs.us-east-1.amazonaws.com/1/${name}`;
const endpoints = (name: string, ratePerSecond: number) => ({ queueUrl: url(name), deadLetterQueueUrl: url(`${name}-dlq`), ratePerSecond });
const targets = { gates: { attach: endpoints('attach', 12), detach: endpoints('detach', 12), 'user-lookup': endpoints('user-lookup', 8), 'device-release': endpoints('device-release', 4) } } as unknown as Targets;
const clients = () => ({ sqs: new SQSClient({ region: 'us-east-1' }) }) as unknown as Clients;

function output() {
  const printed: unknown[] = [];
  return { printed, out: { result: (value: unknown) => printed.push(value) } as never };
}

describe('npm run admin -- queue', () => {
  beforeEach(() => sqsMock.reset());

  it("reports every gate's waiting, in-flight and dead-lettered messages, its deployed rate, and how long the backlog drains at it", async () => {
    sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: {} });
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: url('attach') }).resolves({ Attributes: { ApproximateNumberOfMessages: '25', ApproximateNumberOfMessagesNotVisible: '10' } });
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: url('attach-dlq') }).resolves({ Attributes: { ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '1' } });
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: url('user-lookup') }).resolves({ Attributes: { ApproximateNumberOfMessages: '80', ApproximateNumberOfMessagesNotVisible: '0' } });
    const { out, printed } = output();
    const backlogs = await queueCommand(clients(), targets, out);
    expect(backlogs).toEqual([
      { gate: 'attach', waiting: 25, inFlight: 10, deadLettered: 3, ratePerSecond: 12, drainSeconds: 3 },
      { gate: 'detach', waiting: 0, inFlight: 0, deadLettered: 0, ratePerSecond: 12, drainSeconds: 0 },
      // The rate the stack was deployed with (QuotaGates output), not the default 20.
      { gate: 'user-lookup', waiting: 80, inFlight: 0, deadLettered: 0, ratePerSecond: 8, drainSeconds: 10 },
      { gate: 'device-release', waiting: 0, inFlight: 0, deadLettered: 0, ratePerSecond: 4, drainSeconds: 0 },
    ]);
    expect(printed).toEqual([backlogs]);
  });
});
