import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { CloudWatchError, CloudWatchErrors } from '../errors';
import type { CloudWatchProtocol } from './protocol';

const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** The service model's `targetPrefix`. */
export const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801';

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
  throw new CloudWatchError(400, 'SerializationException', 'SerializationException', 'Request body is not a JSON object', 'Sender', 'com.amazon.coral.service');
}

/**
 * AWS JSON 1.0, what the SDK for JavaScript v3 (client-cloudwatch 3.1164) and botocore 1.43 (AWS
 * CLI 1.45) send: `POST /`, `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`,
 * `Content-Type: application/x-amz-json-1.0`, `x-amzn-query-mode: true`. Errors carry the shape in
 * `__type` and the query code and side in `x-amzn-query-error` (errors.ts).
 */
export const jsonProtocol: CloudWatchProtocol = {
  name: 'json',
  decode(req, body) {
    const target = req.headers['x-amz-target'];
    const prefix = `${CLOUDWATCH_TARGET_PREFIX}.`;
    const operation = typeof target === 'string' && target.startsWith(prefix) ? target.slice(prefix.length) : undefined;
    if (req.method !== 'POST' || operation === undefined) throw CloudWatchErrors.unknownOperation(String(target ?? `${req.method} ${req.url}`));
    return { operation, input: parseBody(body) };
  },
  answer: (res, _operation, output) => send(res, 200, output),
  fail(res, error) {
    send(res, error.status, { __type: `${error.namespace}#${error.shape}`, message: error.message }, { 'x-amzn-query-error': `${error.code};${error.side}` });
  },
};
