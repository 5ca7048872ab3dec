import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../support/aws-error';
import { fileFixture } from '../../../support/file-fixture';
import { sqsFixture } from '../../../support/sqs-fixture';

const f = fileFixture(() => sqsFixture());

async function arnOf(QueueUrl: string): Promise<string> {
  const { Attributes } = await f.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return Attributes?.QueueArn ?? '';
}

const receive = (QueueUrl: string) => f.sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'] })).then((r) => r.Messages ?? []);

describe('SQS redrive to a dead-letter queue', () => {
  it('moves a message received maxReceiveCount times to the dead-letter queue on the next receive, with its id, body and receive count', async () => {
    const dlq = await f.newQueue({}, 'dlq');
    const policy = JSON.stringify({ deadLetterTargetArn: await arnOf(dlq), maxReceiveCount: 2 });
    const source = await f.newQueue({ VisibilityTimeout: '10', RedrivePolicy: policy });
    const { MessageId } = await f.sqs.send(new SendMessageCommand({ QueueUrl: source, MessageBody: 'poison' }));

    for (const count of ['1', '2']) {
      const [message] = await receive(source);
      expect(message?.Attributes?.ApproximateReceiveCount).toBe(count);
      f.clock.advance(10_000);
    }
    expect(await receive(source)).toEqual([]);

    const [dead] = await receive(dlq);
    expect(dead).toMatchObject({ MessageId, Body: 'poison' });
    expect(dead?.Attributes).toMatchObject({ ApproximateReceiveCount: '3', DeadLetterQueueSourceArn: await arnOf(source) });
  });

  it('keeps delivering from the source queue while the count is within maxReceiveCount', async () => {
    const dlq = await f.newQueue({}, 'dlq');
    const source = await f.newQueue({ VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlq), maxReceiveCount: 3 }) });
    await f.sqs.send(new SendMessageCommand({ QueueUrl: source, MessageBody: 'flaky' }));
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push((await receive(source))[0]?.Attributes?.ApproximateReceiveCount);
    expect(counts).toEqual(['1', '2', '3']);
    expect(await receive(dlq)).toEqual([]);
  });

  it('shows the policy as GetQueueAttributes answers it, maxReceiveCount a number, and takes it through SetQueueAttributes', async () => {
    const dlq = await f.newQueue({}, 'dlq');
    const source = await f.newQueue();
    const deadLetterTargetArn = await arnOf(dlq);
    await f.sqs.send(new SetQueueAttributesCommand({ QueueUrl: source, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn, maxReceiveCount: '5' }) } }));
    const { Attributes } = await f.sqs.send(new GetQueueAttributesCommand({ QueueUrl: source, AttributeNames: ['RedrivePolicy'] }));
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn, maxReceiveCount: 5 });
  });

  it.each([
    [0, 'Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive'],
    [1001, 'Invalid value for maxReceiveCount: 1001, valid values are from 1 to 1000 both inclusive'],
  ])('refuses maxReceiveCount %i', async (maxReceiveCount, reason) => {
    const dlq = await f.newQueue({}, 'dlq');
    const policy = JSON.stringify({ deadLetterTargetArn: await arnOf(dlq), maxReceiveCount });
    const error = await errorOf(f.newQueue({ RedrivePolicy: policy }));
    expect(error).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
    expect(error.message).toBe(`Value ${policy} for parameter RedrivePolicy is invalid. Reason: ${reason}.`);
  });

  it('refuses a dead-letter target that does not exist', async () => {
    const policy = JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:no-such-queue', maxReceiveCount: 3 });
    const error = await errorOf(f.newQueue({ RedrivePolicy: policy }));
    expect(error.message).toBe(`Value ${policy} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`);
  });
});
