import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { fileFixture } from '../../../support/file-fixture';
import { sqsFixture } from '../../../support/sqs-fixture';

const f = fileFixture(() => sqsFixture());

describe('SQS long polling (WaitTimeSeconds)', () => {
  it('returns a waiting receive as soon as a message is sent', async () => {
    const QueueUrl = await f.newQueue();
    const waiting = f.pollWaiting(QueueUrl);
    const receive = f.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await waiting;
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'wake up' }));
    expect((await receive).Messages?.map((m) => m.Body)).toEqual(['wake up']);
  });

  it('answers no messages once the wait has passed on the sandbox clock', async () => {
    const QueueUrl = await f.newQueue();
    const waiting = f.pollWaiting(QueueUrl);
    const receive = f.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await waiting;
    f.clock.advance(20_000);
    expect((await receive).Messages).toBeUndefined();
  });

  it("waits by default for the queue's ReceiveMessageWaitTimeSeconds", async () => {
    const QueueUrl = await f.newQueue({ ReceiveMessageWaitTimeSeconds: '20' });
    const waiting = f.pollWaiting(QueueUrl);
    const receive = f.sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    await waiting;
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'default wait' }));
    expect((await receive).Messages?.[0]?.Body).toBe('default wait');
  });

  it('returns a message whose visibility timeout ends while the receive waits', async () => {
    const QueueUrl = await f.newQueue({ VisibilityTimeout: '5' });
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
    await f.sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    const waiting = f.pollWaiting(QueueUrl);
    const receive = f.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    await waiting;
    f.clock.advance(5_000);
    expect((await receive).Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('returns a waiting receive when another consumer gives a message back (visibility 0)', async () => {
    const QueueUrl = await f.newQueue({ VisibilityTimeout: '60' });
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'handed back' }));
    const taken = await f.sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    const waiting = f.pollWaiting(QueueUrl);
    const receive = f.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await waiting;
    await f.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: taken.Messages?.[0]?.ReceiptHandle, VisibilityTimeout: 0 }));
    expect((await receive).Messages?.[0]?.Body).toBe('handed back');
  });
});
