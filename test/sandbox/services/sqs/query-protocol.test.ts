import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SqsCallNotice } from '../../../../sandbox/services/sqs/service';
import { fileFixture } from '../../../support/file-fixture';
import { sqsFixture } from '../../../support/sqs-fixture';
import { queryCall, xmlValue, xmlValues, type QueryCall } from '../../../support/sqs-query-client';

const calls: SqsCallNotice[] = [];
const f = fileFixture(() => sqsFixture({ onCall: (call) => calls.push(call) }));

const call = (c: Omit<QueryCall, 'url'> & { url?: string }) => queryCall({ url: f.server.url, signedAt: f.clock.now(), ...c });
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

async function createQueue(name: string, attributes: Record<string, string> = {}): Promise<string> {
  const params: Record<string, string> = { Action: 'CreateQueue', QueueName: name };
  Object.entries(attributes).forEach(([key, value], i) => Object.assign(params, { [`Attribute.${i + 1}.Name`]: key, [`Attribute.${i + 1}.Value`]: value }));
  const answer = await call({ params });
  expect(answer.status).toBe(200);
  return xmlValue(answer.xml, 'QueueUrl') ?? '';
}

describe('SQS over the AWS query protocol (form-encoded, XML answers)', () => {
  it('answers CreateQueue in the <Action>Response / <Action>Result / ResponseMetadata shape', async () => {
    const answer = await call({ params: { Action: 'CreateQueue', QueueName: 'query-shape' } });
    expect(answer.contentType).toBe('text/xml');
    expect(answer.xml).toMatch(
      /^<\?xml version="1.0"\?><CreateQueueResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/"><CreateQueueResult><QueueUrl>http:\/\/127.0.0.1:\d+\/000000000000\/query-shape<\/QueueUrl><\/CreateQueueResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/CreateQueueResponse>$/,
    );
  });

  it('round-trips a message with attributes: body byte for byte, AWS digests, then deleted', async () => {
    const queueUrl = await createQueue('query-round-trip', { VisibilityTimeout: '30' });
    const body = 'a+b=c & <tag> "quoted"\r\nline 2 €';
    const sent = await call({
      params: { Action: 'SendMessage', QueueUrl: queueUrl, MessageBody: body, 'MessageAttribute.1.Name': 'attribName1', 'MessageAttribute.1.Value.DataType': 'String', 'MessageAttribute.1.Value.StringValue': 'attribValue 1' },
    });
    expect(xmlValue(sent.xml, 'MD5OfMessageBody')).toBe(md5(body));
    // The digest of { attribName1: String "attribValue 1" } by AWS's algorithm (message metadata page).
    expect(xmlValue(sent.xml, 'MD5OfMessageAttributes')).toBe('19e27d4e946b072f3f58da80d94fd778');

    // POSTed to the queue's own URL, the queue named by the path (no QueueUrl parameter).
    const received = await call({ url: queueUrl, params: { Action: 'ReceiveMessage', 'AttributeName.1': 'All', 'MessageAttributeName.1': 'All' } });
    expect(xmlValue(received.xml, 'Body')).toBe(body);
    expect(xmlValue(received.xml, 'MessageId')).toBe(xmlValue(sent.xml, 'MessageId'));
    expect(received.xml).toContain('<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>');
    expect(received.xml).toContain('<MessageAttribute><Name>attribName1</Name><Value><StringValue>attribValue 1</StringValue><DataType>String</DataType></Value></MessageAttribute>');

    // A GET with the parameters in the query string, as the query protocol allows.
    const deleted = await call({ method: 'GET', params: { Action: 'DeleteMessage', QueueUrl: queueUrl, ReceiptHandle: xmlValue(received.xml, 'ReceiptHandle') ?? '' } });
    expect(deleted.xml).toMatch(/<DeleteMessageResponse [^>]*><ResponseMetadata><RequestId>/);
    const attributes = await call({ params: { Action: 'GetQueueAttributes', QueueUrl: queueUrl, 'AttributeName.1': 'ApproximateNumberOfMessagesNotVisible' } });
    expect(attributes.xml).toContain('<GetQueueAttributesResult><Attribute><Name>ApproximateNumberOfMessagesNotVisible</Name><Value>0</Value></Attribute></GetQueueAttributesResult>');
  });

  it('reports batch entries as repeated result and error entries', async () => {
    const queueUrl = await createQueue('query-batch');
    const answer = await call({
      params: {
        Action: 'SendMessageBatch',
        QueueUrl: queueUrl,
        'SendMessageBatchRequestEntry.1.Id': 'good',
        'SendMessageBatchRequestEntry.1.MessageBody': 'fine',
        'SendMessageBatchRequestEntry.2.Id': 'delayed-too-long',
        'SendMessageBatchRequestEntry.2.MessageBody': 'late',
        'SendMessageBatchRequestEntry.2.DelaySeconds': '901',
      },
    });
    expect(xmlValues(answer.xml, 'SendMessageBatchResultEntry')).toHaveLength(1);
    expect(answer.xml).toMatch(/<BatchResultErrorEntry><Id>delayed-too-long<\/Id><SenderFault>true<\/SenderFault><Code>InvalidParameterValue<\/Code><Message>/);
  });

  it('lists queues as repeated QueueUrl elements', async () => {
    await createQueue('query-list-a');
    await createQueue('query-list-b');
    const answer = await call({ params: { Action: 'ListQueues', QueueNamePrefix: 'query-list-' } });
    expect(xmlValues(answer.xml, 'QueueUrl').map((url) => url.split('/').pop())).toEqual(['query-list-a', 'query-list-b']);
  });

  it('served every call of this file as the query protocol', () => {
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls.map((c) => c.protocol))).toEqual(new Set(['query']));
  });
});
