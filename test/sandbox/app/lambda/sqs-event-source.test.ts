import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { startSqsEventSource, type SqsEventRecord } from '../../../../sandbox/app/lambda/sqs-event-source';
import { fileFixture } from '../../../support/file-fixture';
import { sqsFixture } from '../../../support/sqs-fixture';

const f = fileFixture(() => sqsFixture());

/** Sends `bodies`, runs one event source until the function has seen them all, and says what stayed in the queue. */
async function deliver(bodies: string[], answer: (records: readonly SqsEventRecord[]) => unknown) {
  const queueUrl = await f.newQueue({ VisibilityTimeout: '60' });
  for (const MessageBody of bodies) await f.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody }));
  const seen: SqsEventRecord[] = [];
  let allSeen: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allSeen = resolve));
  const source = startSqsEventSource({
    sqs: f.sqs,
    queueUrl,
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:q',
    region: 'us-east-1',
    batchSize: 10,
    maxConcurrency: 1,
    invoke: async (event) => {
      seen.push(...event.Records);
      if (seen.length >= bodies.length) allSeen();
      return answer(event.Records);
    },
  });
  await done;
  // The answer's deletes run before the poller waits again.
  await f.pollWaiting(queueUrl);
  await source.stop();
  const attributes = (await f.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))).Attributes ?? {};
  return { seen, left: Number(attributes.ApproximateNumberOfMessages) + Number(attributes.ApproximateNumberOfMessagesNotVisible) };
}

describe("the sandbox's SQS event source mapping", () => {
  it('hands the batch to the function as aws:sqs records and deletes what it did not report as failed', async () => {
    const { seen, left } = await deliver(['a', 'b', 'c'], (records) => ({ batchItemFailures: [{ itemIdentifier: records.find((r) => r.body === 'b')?.messageId }] }));
    expect(seen.map((r) => r.body).sort()).toEqual(['a', 'b', 'c']);
    expect(seen[0]).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q', awsRegion: 'us-east-1' });
    expect(left).toBe(1);
  });

  it('deletes the whole batch for an empty answer', async () => {
    expect((await deliver(['a', 'b'], () => undefined)).left).toBe(0);
  });

  it('keeps the whole batch when an answer names a message it was not given, as Lambda treats it', async () => {
    expect((await deliver(['a', 'b'], () => ({ batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] }))).left).toBe(2);
  });

  it('keeps the whole batch when the function throws', async () => {
    expect(
      (
        await deliver(['a'], () => {
          throw new Error('crash');
        })
      ).left,
    ).toBe(1);
  });
});
