import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { describe, expect, it, vi } from 'vitest';
import type { SqsCallNotice } from '../../../../sandbox/services/sqs/service';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../../sandbox/wire/account';
import { errorOf } from '../../../support/aws-error';
import { fileFixture } from '../../../support/file-fixture';
import { sqsFixture } from '../../../support/sqs-fixture';

const calls: SqsCallNotice[] = [];
const f = fileFixture(() => sqsFixture({ onCall: (call) => calls.push(call) }));

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

async function receiveOne(QueueUrl: string, extra: { VisibilityTimeout?: number } = {}): Promise<Message | undefined> {
  const { Messages } = await f.sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'], ...extra }));
  return Messages?.[0];
}

async function counts(QueueUrl: string) {
  const { Attributes } = await f.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
  );
  return { visible: Attributes?.ApproximateNumberOfMessages, inFlight: Attributes?.ApproximateNumberOfMessagesNotVisible, delayed: Attributes?.ApproximateNumberOfMessagesDelayed };
}

describe('SQS messages (SDK v3, AWS JSON 1.0)', () => {
  it('sends, receives and deletes a message, with the digests the SDK checks', async () => {
    const QueueUrl = await f.newQueue();
    const body = 'order #1: a+b & <c>\r\n€';
    const sent = await f.sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: body, MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' }, n: { DataType: 'Number', StringValue: '7' } } }),
    );
    expect(sent.MD5OfMessageBody).toBe(md5(body));
    expect(sent.MessageId).toMatch(/^[0-9a-f-]{36}$/);

    const message = await receiveOne(QueueUrl);
    expect(message).toMatchObject({ MessageId: sent.MessageId, Body: body, MD5OfBody: md5(body), MD5OfMessageAttributes: sent.MD5OfMessageAttributes });
    expect(message?.MessageAttributes).toEqual({ kind: { DataType: 'String', StringValue: 'order' }, n: { DataType: 'Number', StringValue: '7' } });
    expect(message?.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SentTimestamp: expect.stringMatching(/^\d{13}$/) });

    await f.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message?.ReceiptHandle }));
    expect(await counts(QueueUrl)).toEqual({ visible: '0', inFlight: '0', delayed: '0' });
  });

  it('hides a received message for the visibility timeout on the sandbox clock, then redelivers it with a new receipt', async () => {
    const QueueUrl = await f.newQueue({ VisibilityTimeout: '30' });
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'retry me' }));
    const first = await receiveOne(QueueUrl);
    expect(await receiveOne(QueueUrl)).toBeUndefined();
    expect(await counts(QueueUrl)).toEqual({ visible: '0', inFlight: '1', delayed: '0' });

    f.clock.advance(29_000);
    expect(await receiveOne(QueueUrl)).toBeUndefined();
    f.clock.advance(1_000);
    const second = await receiveOne(QueueUrl);

    expect(second?.MessageId).toBe(first?.MessageId);
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second?.Attributes?.ApproximateFirstReceiveTimestamp).toBe(first?.Attributes?.ApproximateFirstReceiveTimestamp);
  });

  it('takes a receive-level VisibilityTimeout over the queue default', async () => {
    const QueueUrl = await f.newQueue({ VisibilityTimeout: '300' });
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'short' }));
    await receiveOne(QueueUrl, { VisibilityTimeout: 5 });
    f.clock.advance(5_000);
    expect((await receiveOne(QueueUrl))?.Body).toBe('short');
  });

  it('deletes nothing with the handle of an earlier receive', async () => {
    const QueueUrl = await f.newQueue({ VisibilityTimeout: '10' });
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'm' }));
    const stale = await receiveOne(QueueUrl);
    f.clock.advance(10_000);
    const latest = await receiveOne(QueueUrl);
    await f.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: stale?.ReceiptHandle }));
    expect((await counts(QueueUrl)).inFlight).toBe('1');
    await f.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: latest?.ReceiptHandle }));
    expect((await counts(QueueUrl)).inFlight).toBe('0');
  });

  it('changes a message visibility from now: extended, it stays hidden past the queue timeout; at 0, it is receivable at once', async () => {
    const QueueUrl = await f.newQueue({ VisibilityTimeout: '30' });
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'slow work' }));
    const received = await receiveOne(QueueUrl);
    f.clock.advance(20_000);
    await f.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: received?.ReceiptHandle, VisibilityTimeout: 60 }));
    f.clock.advance(59_000);
    expect(await receiveOne(QueueUrl)).toBeUndefined();

    await f.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: received?.ReceiptHandle, VisibilityTimeout: 0 }));
    expect((await receiveOne(QueueUrl))?.Body).toBe('slow work');
  });

  it('answers MessageNotInflight for a message whose visibility timeout is over', async () => {
    const QueueUrl = await f.newQueue({ VisibilityTimeout: '10' });
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'm' }));
    const received = await receiveOne(QueueUrl);
    f.clock.advance(10_000);
    const error = await errorOf(f.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: received?.ReceiptHandle, VisibilityTimeout: 30 })));
    expect([error.name, error.status]).toEqual(['MessageNotInflight', 400]);
  });

  it('holds back a delayed message until its delay has passed on the sandbox clock', async () => {
    const QueueUrl = await f.newQueue({ DelaySeconds: '60' });
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'queue delay' }));
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'no delay', DelaySeconds: 0 }));
    expect(await counts(QueueUrl)).toEqual({ visible: '1', inFlight: '0', delayed: '1' });
    expect((await receiveOne(QueueUrl))?.Body).toBe('no delay');
    f.clock.advance(60_000);
    expect((await receiveOne(QueueUrl))?.Body).toBe('queue delay');
  });

  it('drops messages older than the retention period', async () => {
    const QueueUrl = await f.newQueue({ MessageRetentionPeriod: '60' });
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'ephemeral' }));
    f.clock.advance(60_000);
    expect(await receiveOne(QueueUrl)).toBeUndefined();
    expect((await counts(QueueUrl)).visible).toBe('0');
  });

  it('refuses a body with characters outside the allowed set, and one above the queue maximum size', async () => {
    const QueueUrl = await f.newQueue({ MaximumMessageSize: '1024' });
    expect(await errorOf(f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'bell \u0007' })))).toMatchObject({ name: 'InvalidMessageContents', status: 400 });
    const tooBig = await errorOf(f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(1025) })));
    expect(tooBig).toMatchObject({ name: 'InvalidParameterValue', message: 'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.' });
  });

  it('is found through AWS_ENDPOINT_URL_SQS by a client given no endpoint', async () => {
    const QueueUrl = await f.newQueue();
    const QueueName = QueueUrl.split('/').pop();
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', f.server.url);
    const fromEnv = new SQSClient({ region: 'us-east-1', credentials: SANDBOX_BACKEND_CREDENTIALS });
    try {
      // GetQueueUrl names no queue URL, so only the endpoint setting can bring it here.
      expect((await fromEnv.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl).toBe(QueueUrl);
    } finally {
      fromEnv.destroy();
      vi.unstubAllEnvs();
    }
  });

  it('served every call of the SDK v3 client as AWS JSON 1.0', () => {
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.every((c) => c.protocol === 'json' && /^aws-sdk-js\/3\./.test(c.userAgent ?? ''))).toBe(true);
  });
});
