import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { FrontEndErrors, type QueryCompatibleError } from './error';
import type { QueryCompatibleProtocol } from './protocol';

const CONTENT_TYPE = 'application/x-amz-json-1.0';

/** A value as AWS JSON carries it: timestamps (Dates) as epoch seconds, the protocol's default format. */
function wireValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(wireValue);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, wireValue(member)]));
  return value;
}

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(wireValue(body));
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
  throw FrontEndErrors.notJson();
}

export interface AwsJsonService {
  /** The service model's `targetPrefix` (`AmazonSQS`, `GraniteServiceVersion20100801`). */
  readonly targetPrefix: string;
  /** The refusal of an operation the service does not serve, or of a request that names none. */
  unknownOperation(operation: string): QueryCompatibleError;
}

/**
 * AWS JSON 1.0 as a query-compatible service speaks it: `POST /`,
 * `X-Amz-Target: <targetPrefix>.<Operation>`, `Content-Type: application/x-amz-json-1.0`. Errors
 * carry the shape in `__type` (`com.amazonaws.sqs#QueueDoesNotExist`) and the query code and
 * fault side in `x-amzn-query-error`, from which query-compatible SDKs name the error
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html).
 */
export function awsJsonProtocol(service: AwsJsonService): QueryCompatibleProtocol {
  const prefix = `${service.targetPrefix}.`;
  return {
    name: 'json',
    decode(req, body) {
      const target = req.headers['x-amz-target'];
      const operation = typeof target === 'string' && target.startsWith(prefix) ? target.slice(prefix.length) : undefined;
      if (req.method !== 'POST' || operation === undefined) throw service.unknownOperation(String(target ?? `${req.method} ${req.url}`));
      return { operation, input: parseBody(body) };
    },
    unknownOperation: (operation) => service.unknownOperation(operation),
    answer: (res, _operation, output) => send(res, 200, output),
    fail(res, error) {
      send(res, error.status, { __type: `${error.namespace}#${error.shape}`, message: error.message }, { 'x-amzn-query-error': `${error.code};${error.side}` });
    },
  };
}
