import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SqsCallNotice } from '../../../../sandbox/services/sqs/service';
import { runBotocore, VENDORED_BOTOCORE } from '../../../support/botocore';
import { fileFixture } from '../../../support/file-fixture';
import { sqsFixture } from '../../../support/sqs-fixture';

/**
 * A query-protocol client of another implementation: the vendored botocore 1.34.22 (botocore.ts).
 * Its SQS model predates SQS's move to JSON (`"protocol": "query"`): it sends
 * `Action=…&Version=2012-11-05` forms and parses the XML answers with botocore's own parser.
 */
const SCRIPT = String.raw`
import json, sys, base64
import boto3, botocore
endpoint = sys.argv[1]
client = boto3.session.Session(region_name='us-east-1').client('sqs', endpoint_url=endpoint)
out = {'botocore': botocore.__version__, 'protocol': client.meta.service_model.protocol}
def error_of(call):
    try:
        call()
    except Exception as e:
        err = e.response['Error']
        return {'class': type(e).__name__, 'code': err['Code'], 'type': err.get('Type'), 'message': err['Message'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}
url = client.create_queue(QueueName='boto-queue', Attributes={'VisibilityTimeout': '30'})['QueueUrl']
out['queueUrl'] = url
body = 'a+b & <c>\r\nline 2'
attributes = {'n': {'DataType': 'Number', 'StringValue': '42'}, 'bin': {'DataType': 'Binary', 'BinaryValue': b'\x00\xff'}}
sent = client.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attributes)
out['sent'] = {k: sent.get(k) for k in ('MessageId', 'MD5OfMessageBody', 'MD5OfMessageAttributes')}
received = client.receive_message(QueueUrl=url, AttributeNames=['All'], MessageAttributeNames=['All'], MaxNumberOfMessages=10)['Messages'][0]
out['received'] = {'Body': received['Body'], 'MessageId': received['MessageId'], 'MD5OfMessageAttributes': received['MD5OfMessageAttributes'],
    'ApproximateReceiveCount': received['Attributes']['ApproximateReceiveCount'],
    'n': received['MessageAttributes']['n']['StringValue'], 'bin': base64.b64encode(received['MessageAttributes']['bin']['BinaryValue']).decode()}
batch = client.send_message_batch(QueueUrl=url, Entries=[{'Id': 'ok', 'MessageBody': 'fine'}, {'Id': 'late', 'MessageBody': 'x', 'DelaySeconds': 901}])
out['batch'] = {'successful': [e['Id'] for e in batch['Successful']], 'failed': [[e['Id'], e['Code'], e['SenderFault']] for e in batch['Failed']]}
deleted = client.delete_message_batch(QueueUrl=url, Entries=[{'Id': 'mine', 'ReceiptHandle': received['ReceiptHandle']}, {'Id': 'junk', 'ReceiptHandle': 'junk'}])
out['deleteBatch'] = {'successful': [e['Id'] for e in deleted['Successful']], 'failed': [[e['Id'], e['Code']] for e in deleted['Failed']]}
out['attributes'] = client.get_queue_attributes(QueueUrl=url, AttributeNames=['All'])['Attributes']
out['errors'] = {
    'unknownQueue': error_of(lambda: client.get_queue_url(QueueName='no-such-queue')),
    'maxNumber': error_of(lambda: client.receive_message(QueueUrl=url, MaxNumberOfMessages=11)),
    'badHandle': error_of(lambda: client.delete_message(QueueUrl=url, ReceiptHandle='junk')),
}
print(json.dumps(out))
`;

const calls: SqsCallNotice[] = [];
const f = fileFixture(() => sqsFixture({ onCall: (call) => calls.push(call) }));

/** What the script prints. */
interface BotocoreRun {
  readonly botocore: string;
  readonly protocol: string;
  readonly queueUrl: string;
  readonly sent: { readonly MessageId: string; readonly MD5OfMessageBody: string; readonly MD5OfMessageAttributes: string };
  readonly received: Readonly<Record<string, string>>;
  readonly batch: unknown;
  readonly deleteBatch: unknown;
  readonly attributes: Readonly<Record<string, string>>;
  readonly errors: unknown;
}

describe('SQS with botocore 1.34 (AWS query protocol)', () => {
  let out: BotocoreRun;
  beforeAll(async () => {
    expect(existsSync(VENDORED_BOTOCORE), `${VENDORED_BOTOCORE} (the Google Cloud CLI package) is part of the machine image`).toBe(true);
    out = await runBotocore<BotocoreRun>(SCRIPT, [f.server.url]);
  });

  it('is a query-protocol client, and the server served it as one', () => {
    expect([out.botocore, out.protocol]).toEqual(['1.34.22', 'query']);
    expect(calls.length).toBeGreaterThan(5);
    expect(calls.every((c) => c.protocol === 'query' && /Botocore\/1\.34\.22/.test(c.userAgent ?? ''))).toBe(true);
  });

  it('round-trips a message with string, number and binary attributes through its XML parser', () => {
    expect(out.queueUrl).toBe(`${f.server.url}/000000000000/boto-queue`);
    expect(out.received).toEqual({
      Body: 'a+b & <c>\r\nline 2',
      MessageId: out.sent.MessageId,
      MD5OfMessageAttributes: out.sent.MD5OfMessageAttributes,
      ApproximateReceiveCount: '1',
      n: '42',
      bin: Buffer.from([0x00, 0xff]).toString('base64'),
    });
  });

  it('reads partial batch failures', () => {
    expect(out.batch).toEqual({ successful: ['ok'], failed: [['late', 'InvalidParameterValue', true]] });
    expect(out.deleteBatch).toEqual({ successful: ['mine'], failed: [['junk', 'ReceiptHandleIsInvalid']] });
    expect(out.attributes).toMatchObject({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '0', VisibilityTimeout: '30' });
  });

  it("maps the XML errors to botocore's modeled exceptions by their query codes", () => {
    expect(out.errors).toEqual({
      unknownQueue: { class: 'QueueDoesNotExist', code: 'AWS.SimpleQueueService.NonExistentQueue', type: 'Sender', message: 'The specified queue does not exist for this wsdl version.', status: 400 },
      maxNumber: expect.objectContaining({ class: 'ClientError', code: 'InvalidParameterValue', status: 400 }),
      badHandle: expect.objectContaining({ class: 'ReceiptHandleIsInvalid', code: 'ReceiptHandleIsInvalid', status: 404 }),
    });
  });
});
