import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { SqsError } from '../errors';
import type { SqsProtocol } from './protocol';

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AmazonSQS.';
const CORAL = 'com.amazon.coral.service';

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID(), ...headers });
  res.end(text);
}

function parseBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // answered below
  }
  throw new SqsError(400, 'SerializationException', 'SerializationException', 'Request body is not a JSON object', 'Sender', CORAL);
}

/**
 * AWS JSON 1.0, what current SDKs speak to SQS: `POST /`, `X-Amz-Target: AmazonSQS.<Operation>`,
 * `Content-Type: application/x-amz-json-1.0`. Errors carry the shape in `__type`
 * (`com.amazonaws.sqs#QueueDoesNotExist`) and the query code and fault side in
 * `x-amzn-query-error`, from which query-compatible SDKs name the error
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html).
 */
export const jsonProtocol: SqsProtocol = {
  name: 'json',
  decode(req, body) {
    const target = req.headers['x-amz-target'];
    const operation = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
    if (req.method !== 'POST' || operation === undefined) throw jsonProtocol.unknownOperation(String(target ?? `${req.method} ${req.url}`));
    return { operation, input: parseBody(body) };
  },
  unknownOperation: (operation) => new SqsError(400, 'UnknownOperationException', 'InvalidAction', `Operation ${operation} is not supported by the sandbox`, 'Sender', CORAL),
  answer: (res, _operation, output) => send(res, 200, output),
  fail(res, error) {
    send(res, error.status, { __type: `${error.namespace}#${error.shape}`, message: error.message }, { 'x-amzn-query-error': `${error.code};${error.side}` });
  },
};
