import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SqsError } from '../errors';

/** An operation call as a protocol decodes it: the operation's name and its members as JSON 1.0 has them. */
export interface DecodedCall {
  readonly operation: string;
  readonly input: unknown;
}

/** One of SQS's two wire protocols: how it reads a call and answers a result or an error. */
export interface SqsProtocol {
  readonly name: 'json' | 'query';
  decode(req: IncomingMessage, body: Buffer): DecodedCall;
  /** The protocol's answer to an operation the sandbox does not serve. */
  unknownOperation(operation: string): SqsError;
  answer(res: ServerResponse, operation: string, output: object): void;
  fail(res: ServerResponse, error: SqsError): void;
}
