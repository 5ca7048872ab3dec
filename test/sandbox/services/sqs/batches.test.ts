import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../support/aws-error';
import { fileFixture } from '../../../support/file-fixture';
import { sqsFixture } from '../../../support/sqs-fixture';

const f = fileFixture(() => sqsFixture());

async function sendAndReceive(QueueUrl: string, bodies: string[]) {
  await f.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: bodies.map((MessageBody, i) => ({ Id: `m${i}`, MessageBody })) }));
  const { Messages = [] } = await f.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
  return Messages;
}

describe('SQS batches', () => {
  it('sends the valid entries of a batch and reports the others as failed, sender at fault', async () => {
    const QueueUrl = await f.newQueue();
    const result = await f.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'ok-1', MessageBody: 'one' },
          { Id: 'bad', MessageBody: 'bell \u0007' },
          { Id: 'ok-2', MessageBody: 'two', DelaySeconds: 0 },
          { Id: 'late', MessageBody: 'x', DelaySeconds: 901 },
        ],
      }),
    );
    expect(result.Successful?.map((e) => e.Id)).toEqual(['ok-1', 'ok-2']);
    expect(result.Failed).toEqual([
      { Id: 'bad', SenderFault: true, Code: 'InvalidMessageContents', Message: expect.stringContaining("Invalid binary character '#x7'") },
      { Id: 'late', SenderFault: true, Code: 'InvalidParameterValue', Message: 'Value 901 for parameter DelaySeconds is invalid. Reason: Must be between 0 and 900, if provided.' },
    ]);
    const { Attributes } = await f.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(Attributes?.ApproximateNumberOfMessages).toBe('2');
  });

  it('deletes by receipt handle in a batch, reporting an invalid handle as its entry failure', async () => {
    const QueueUrl = await f.newQueue();
    const [first, second] = await sendAndReceive(QueueUrl, ['a', 'b']);
    const result = await f.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'a', ReceiptHandle: first?.ReceiptHandle },
          { Id: 'junk', ReceiptHandle: 'not-a-handle' },
          { Id: 'b', ReceiptHandle: second?.ReceiptHandle },
        ],
      }),
    );
    expect(result.Successful).toEqual([{ Id: 'a' }, { Id: 'b' }]);
    expect(result.Failed).toEqual([{ Id: 'junk', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'The input receipt handle "not-a-handle" is not a valid receipt handle.' }]);
  });

  it('changes visibility in a batch, reporting a message no longer in flight as its entry failure', async () => {
    const QueueUrl = await f.newQueue({ VisibilityTimeout: '30' });
    const [first, second] = await sendAndReceive(QueueUrl, ['a', 'b']);
    const result = await f.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'back', ReceiptHandle: first?.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'far', ReceiptHandle: second?.ReceiptHandle, VisibilityTimeout: 43_201 },
        ],
      }),
    );
    expect(result.Successful).toEqual([{ Id: 'back' }]);
    expect(result.Failed?.[0]).toMatchObject({ Id: 'far', SenderFault: true, Code: 'InvalidParameterValue' });
    const { Messages } = await f.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(Messages?.map((m) => m.Body)).toEqual(['a']);
  });

  it.each([
    ['no entries', [], 'EmptyBatchRequest', 'There should be at least one SendMessageBatchRequestEntry in the request.'],
    ['11 entries', Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })), 'TooManyEntriesInBatchRequest', 'Maximum number of entries per request are 10. You have sent 11.'],
    ['a repeated id', [{ Id: 'same', MessageBody: 'x' }, { Id: 'same', MessageBody: 'y' }], 'BatchEntryIdsNotDistinct', 'Id same repeated.'],
    ['an id with a dot', [{ Id: 'a.b', MessageBody: 'x' }], 'InvalidBatchEntryId', expect.stringContaining('alphanumeric characters, hyphens and underscores')],
  ])('refuses a whole batch with %s', async (_what, Entries, name, message) => {
    const QueueUrl = await f.newQueue();
    expect(await errorOf(f.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries })))).toEqual({ name, message, status: 400 });
  });

  it('refuses a batch whose messages add up to more than 1 MiB', async () => {
    const QueueUrl = await f.newQueue();
    const Entries = [0, 1].map((i) => ({ Id: `big${i}`, MessageBody: 'x'.repeat(600_000) }));
    expect(await errorOf(f.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries })))).toMatchObject({
      name: 'BatchRequestTooLong',
      message: 'Batch requests cannot be longer than 1048576 bytes. You have sent 1200000 bytes.',
    });
  });
});
