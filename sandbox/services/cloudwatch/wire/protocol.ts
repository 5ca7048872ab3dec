import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloudWatchError } from '../errors';

/** An operation call as a protocol decodes it: the operation's name and its members as AWS JSON 1.0 has them. */
export interface DecodedCall {
  readonly operation: string;
  readonly input: unknown;
}

/** One of the wire protocols the sandbox's CloudWatch serves: how it reads a call and answers a result or an error. */
export interface CloudWatchProtocol {
  readonly name: 'json' | 'query';
  decode(req: IncomingMessage, body: Buffer): DecodedCall;
  answer(res: ServerResponse, operation: string, output: object): void;
  fail(res: ServerResponse, error: CloudWatchError): void;
}
