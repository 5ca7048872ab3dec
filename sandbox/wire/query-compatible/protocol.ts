import type { IncomingMessage, ServerResponse } from 'node:http';
import type { QueryCompatibleError } from './error';

/** An operation call as a protocol decodes it: the operation's name and its members as AWS JSON 1.0 has them. */
export interface DecodedCall {
  readonly operation: string;
  readonly input: unknown;
}

/** One of the two wire protocols a query-compatible service serves: how it reads a call and answers a result or an error. */
export interface QueryCompatibleProtocol {
  readonly name: 'json' | 'query';
  decode(req: IncomingMessage, body: Buffer): DecodedCall;
  /** The protocol's answer to an operation the service does not serve. */
  unknownOperation(operation: string): QueryCompatibleError;
  answer(res: ServerResponse, operation: string, output: object): void;
  fail(res: ServerResponse, error: QueryCompatibleError): void;
}

/** The protocol a request speaks: AWS JSON 1.0 names its operation in X-Amz-Target, the query protocol in `Action`. */
export function protocolOf<P extends QueryCompatibleProtocol>(req: IncomingMessage, protocols: { readonly json: P; readonly query: P }): P {
  return req.headers['x-amz-target'] !== undefined || String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json') ? protocols.json : protocols.query;
}
