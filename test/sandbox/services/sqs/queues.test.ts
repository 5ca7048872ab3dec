import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type QueueAttributeName,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../support/aws-error';
import { fileFixture } from '../../../support/file-fixture';
import { sqsFixture } from '../../../support/sqs-fixture';

const f = fileFixture(() => sqsFixture());

const attributes = (QueueUrl: string, AttributeNames: QueueAttributeName[] = ['All']) =>
  f.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames })).then((r) => r.Attributes ?? {});

describe('SQS queues', () => {
  it('gives a queue its path-style URL and ARN in the sandbox account', async () => {
    const { QueueUrl } = await f.sqs.send(new CreateQueueCommand({ QueueName: 'orders' }));
    expect(QueueUrl).toBe(`${f.server.url}/000000000000/orders`);
    expect((await f.sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }))).QueueUrl).toBe(QueueUrl);
    expect((await attributes(QueueUrl ?? '', ['QueueArn'])).QueueArn).toBe('arn:aws:sqs:us-east-1:000000000000:orders');
  });

  it('answers CreateQueue again with the same queue for the same attributes, and QueueNameExists for a different value', async () => {
    const create = (VisibilityTimeout: string) => f.sqs.send(new CreateQueueCommand({ QueueName: 'idempotent', Attributes: { VisibilityTimeout } }));
    const first = await create('45');
    expect((await create('45')).QueueUrl).toBe(first.QueueUrl);
    const error = await errorOf(create('46'));
    expect(error).toMatchObject({ name: 'QueueNameExists', status: 400 });
  });

  it('reports the defaults and the given attributes, with epoch-second timestamps', async () => {
    const before = Math.floor(f.clock.now() / 1000);
    const QueueUrl = await f.newQueue({ VisibilityTimeout: '60', DelaySeconds: '5' });
    const after = Math.floor(f.clock.now() / 1000);
    const all = await attributes(QueueUrl);
    expect(Number(all.CreatedTimestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(all.CreatedTimestamp)).toBeLessThanOrEqual(after);
    expect(all).toMatchObject({
      VisibilityTimeout: '60',
      DelaySeconds: '5',
      MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '345600',
      ReceiveMessageWaitTimeSeconds: '0',
      ApproximateNumberOfMessages: '0',
    });
  });

  it('changes attributes with SetQueueAttributes and moves LastModifiedTimestamp on the sandbox clock', async () => {
    const QueueUrl = await f.newQueue();
    f.clock.advance(5_000);
    await f.sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: '120' } }));
    const after = await attributes(QueueUrl);
    expect(after.VisibilityTimeout).toBe('120');
    expect(Number(after.LastModifiedTimestamp) - Number(after.CreatedTimestamp)).toBe(5);
  });

  it.each([
    [{ VisibilityTimeout: '43201' }, 'InvalidAttributeValue', 'Invalid value for the parameter VisibilityTimeout.'],
    [{ MessageRetentionPeriod: '59' }, 'InvalidAttributeValue', 'Invalid value for the parameter MessageRetentionPeriod.'],
    [{ ReceiveMessageWaitTimeSeconds: '21' }, 'InvalidAttributeValue', 'Invalid value for the parameter ReceiveMessageWaitTimeSeconds.'],
    [{ Colour: 'blue' }, 'InvalidAttributeName', 'Unknown Attribute Colour.'],
  ])('refuses the attributes %j', async (Attributes, name, message) => {
    expect(await errorOf(f.newQueue(Attributes))).toEqual({ name, message, status: 400 });
  });

  it('refuses FIFO queues, which the sandbox does not emulate', async () => {
    expect(await errorOf(f.sqs.send(new CreateQueueCommand({ QueueName: 'jobs.fifo', Attributes: { FifoQueue: 'true' } })))).toMatchObject({ name: 'UnsupportedOperation' });
  });

  it('lists queues by name prefix, in pages when MaxResults is given', async () => {
    for (const n of ['a', 'b', 'c']) await f.sqs.send(new CreateQueueCommand({ QueueName: `listed-${n}` }));
    const all = await f.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'listed-' }));
    expect(all.QueueUrls?.map((u) => u.split('/').pop())).toEqual(['listed-a', 'listed-b', 'listed-c']);
    expect(all.NextToken).toBeUndefined();
    const first = await f.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'listed-', MaxResults: 2 }));
    const rest = await f.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'listed-', MaxResults: 2, NextToken: first.NextToken }));
    expect([first.QueueUrls?.length, rest.QueueUrls?.map((u) => u.split('/').pop()), rest.NextToken]).toEqual([2, ['listed-c'], undefined]);
  });

  it('purges every message, and refuses a second purge within 60 seconds', async () => {
    const QueueUrl = await f.newQueue();
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'gone' }));
    await f.sqs.send(new PurgeQueueCommand({ QueueUrl }));
    expect((await f.sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    expect(await errorOf(f.sqs.send(new PurgeQueueCommand({ QueueUrl })))).toMatchObject({ name: 'PurgeQueueInProgress', status: 403 });
    f.clock.advance(60_000);
    await f.sqs.send(new PurgeQueueCommand({ QueueUrl }));
  });

  it('deletes a queue, and lets its name be used again 60 seconds later', async () => {
    const { QueueUrl } = await f.sqs.send(new CreateQueueCommand({ QueueName: 'recycled' }));
    await f.sqs.send(new DeleteQueueCommand({ QueueUrl }));
    expect(await errorOf(f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })))).toMatchObject({ name: 'QueueDoesNotExist' });
    expect(await errorOf(f.sqs.send(new CreateQueueCommand({ QueueName: 'recycled' })))).toMatchObject({ name: 'QueueDeletedRecently' });
    f.clock.advance(60_000);
    expect((await f.sqs.send(new CreateQueueCommand({ QueueName: 'recycled' }))).QueueUrl).toBe(QueueUrl);
  });
});
