import { DeleteMessageCommand, GetQueueUrlCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../../sandbox/wire/account';
import { fileFixture } from '../../../support/file-fixture';
import { sqsFixture } from '../../../support/sqs-fixture';
import { queryCall, xmlValue } from '../../../support/sqs-query-client';

const f = fileFixture(() => sqsFixture());
let queueUrl: string;
beforeAll(async () => {
  queueUrl = await f.newQueue();
});

interface SdkFailure {
  name: string;
  Code?: string;
  Type?: string;
  message: string;
  $metadata: { httpStatusCode?: number };
  $response?: { headers: Record<string, string> };
}

/** The error an SDK v3 call failed with; throws if it succeeded. */
function caught(promise: Promise<unknown>): Promise<SdkFailure> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as SdkFailure,
  );
}

/** What the SDK v3 client made of a JSON 1.0 error: its name (the modeled shape), and the query code and side from x-amzn-query-error. */
async function jsonFailure(promise: Promise<unknown>) {
  const error = await caught(promise);
  return { name: error.name, code: error.Code, type: error.Type, status: error.$metadata.httpStatusCode, message: error.message };
}

/** The same call in the query protocol: the XML ErrorResponse's Type and Code, and the status. */
async function queryFailure(params: Record<string, string>, credentials?: { accessKeyId: string; secretAccessKey: string } | null) {
  const answer = await queryCall({ url: f.server.url, params, signedAt: f.clock.now(), ...(credentials !== undefined ? { credentials } : {}) });
  expect(answer.contentType).toBe('text/xml');
  expect(answer.xml).toMatch(/^<\?xml version="1.0"\?><ErrorResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/"><Error><Type>/);
  return { code: xmlValue(answer.xml, 'Code'), type: xmlValue(answer.xml, 'Type'), status: answer.status, message: xmlValue(answer.xml, 'Message') };
}

describe('SQS errors in both wire protocols', () => {
  it('names an unknown queue QueueDoesNotExist (AWS.SimpleQueueService.NonExistentQueue)', async () => {
    expect(await jsonFailure(f.sqs.send(new GetQueueUrlCommand({ QueueName: 'missing' })))).toEqual({
      name: 'QueueDoesNotExist',
      code: 'AWS.SimpleQueueService.NonExistentQueue',
      type: 'Sender',
        status: 400,
      message: 'The specified queue does not exist.',
    });
    expect(await queryFailure({ Action: 'GetQueueUrl', QueueName: 'missing' })).toEqual({
      code: 'AWS.SimpleQueueService.NonExistentQueue',
      type: 'Sender',
        status: 400,
      message: 'The specified queue does not exist for this wsdl version.',
    });
  });

  it.each([
    [
      'refuses MaxNumberOfMessages 11 with InvalidParameterValue',
      {
        code: 'InvalidParameterValue',
        status: 400,
        message: 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
        json: () => f.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 11 })),
        query: () => ({ Action: 'ReceiveMessage', QueueUrl: queueUrl, MaxNumberOfMessages: '11' }),
      },
    ],
    [
      'refuses a receipt handle the queue never issued with ReceiptHandleIsInvalid',
      {
        code: 'ReceiptHandleIsInvalid',
        status: 404,
        message: 'The input receipt handle "bogus" is not a valid receipt handle.',
        json: () => f.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: 'bogus' })),
        query: () => ({ Action: 'DeleteMessage', QueueUrl: queueUrl, ReceiptHandle: 'bogus' }),
      },
    ],
  ] as const)('%s', async (_title, { code, status, message, json, query }) => {
    expect(await jsonFailure(json())).toEqual({ name: code, code, type: 'Sender', status, message });
    expect(await queryFailure(query())).toEqual({ code, type: 'Sender', status, message });
  });

  it('names a missing required parameter MissingParameter', async () => {
    expect(await queryFailure({ Action: 'SendMessage', QueueUrl: queueUrl })).toMatchObject({ code: 'MissingParameter', message: 'The request must contain the parameter MessageBody.' });
  });

  it('refuses an action it does not know with InvalidAction (query) and a request without one with MissingAction', async () => {
    expect(await queryFailure({ Action: 'TagQueue', QueueUrl: queueUrl })).toMatchObject({ code: 'InvalidAction', status: 400 });
    const answer = await queryCall({ url: f.server.url, params: {}, signedAt: f.clock.now() });
    expect(answer.xml).toContain('<Code>MissingAction</Code>');
  });

  it('sends the JSON error shape with its namespace in __type and the query code in x-amzn-query-error', async () => {
    const error = await caught(f.sqs.send(new GetQueueUrlCommand({ QueueName: 'missing' })));
    expect(error.$response?.headers['x-amzn-query-error']).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(error.$response?.headers['content-type']).toBe('application/x-amz-json-1.0');
  });
});

describe('SQS SigV4 (signing name sqs)', () => {
  const unsignedJson = () =>
    fetch(f.server.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' }, body: '{}' });

  it('refuses an unsigned call in either protocol with MissingAuthenticationToken', async () => {
    const json = await unsignedJson();
    expect([json.status, json.headers.get('x-amzn-query-error')]).toEqual([403, 'MissingAuthenticationToken;Sender']);
    expect(await queryFailure({ Action: 'ListQueues' }, null)).toMatchObject({ code: 'MissingAuthenticationToken', status: 403 });
  });

  it('refuses a wrong secret key with SignatureDoesNotMatch and an unknown key with InvalidClientTokenId', async () => {
    const wrongSecret = { ...SANDBOX_BACKEND_CREDENTIALS, secretAccessKey: 'not-the-secret' };
    const unknownKey = { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'whatever' };
    expect(await jsonFailure(f.client(wrongSecret).send(new ListQueuesCommand({})))).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(await jsonFailure(f.client(unknownKey).send(new ListQueuesCommand({})))).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    expect(await queryFailure({ Action: 'ListQueues' }, wrongSecret)).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(await queryFailure({ Action: 'ListQueues' }, unknownKey)).toMatchObject({ code: 'InvalidClientTokenId', status: 403 });
  });

  it("refuses a Cognito identity's credentials: only the backend role may use the queues", async () => {
    const identity = f.store.issueForIdentity('us-east-1:00000000-0000-4000-8000-000000000001', 'arn:aws:iam::000000000000:role/user');
    expect(await jsonFailure(f.client(identity).send(new ListQueuesCommand({})))).toMatchObject({ name: 'AccessDenied', status: 403 });
  });
});

describe('SQS fault injection (sqs:<Operation>)', () => {
  const unsigned = () => queryCall({ url: f.server.url, params: { Action: 'ListQueues' }, credentials: null });

  it('throttles an armed operation after authenticating it, never consuming the fault for an unsigned call', async () => {
    f.faults.set('sqs:ListQueues', { failNext: 1, failWith: 'throttle' });
    await unsigned();
    expect(f.faults.stats('sqs:ListQueues')).toMatchObject({ calls: 0 });
    expect(await jsonFailure(f.sqs.send(new ListQueuesCommand({})))).toMatchObject({ name: 'RequestThrottled', status: 403 });
    expect((await f.sqs.send(new ListQueuesCommand({}))).$metadata.httpStatusCode).toBe(200);
    f.faults.set('sqs:ListQueues', undefined);
  });

  it('fails an armed SendMessage with InternalFailure in the query protocol', async () => {
    f.faults.set('sqs:SendMessage', { failNext: 1 });
    expect(await queryFailure({ Action: 'SendMessage', QueueUrl: queueUrl, MessageBody: 'x' })).toMatchObject({ code: 'InternalFailure', type: 'Receiver', status: 500 });
    expect((await f.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' }))).MessageId).toBeDefined();
  });
});
