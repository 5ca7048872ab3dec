import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../../functions/shared/aws/error-name';

/** An error answered in the calling service's wire format (`__type` / `x-amzn-ErrorType`). */
export class AwsServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export interface StartedServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

export type RequestHandler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<void> | void;

/** A request body limit: bodies above `maxBytes` are read to the end, discarded, and answered by `tooLarge`. */
export interface BodyLimit {
  readonly maxBytes: number;
  tooLarge(res: ServerResponse): void;
}

export interface HttpServerOptions {
  /** Default: an ephemeral port. */
  readonly port?: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  readonly limit?: BodyLimit;
  /**
   * The emulated service's clock, sent in every answer's `Date` header. Default `Date.now`. AWS
   * endpoints send their own time there, and the SDKs correct their signing clock by it (clock
   * skew correction takes "the server time from the service response",
   * https://docs.aws.amazon.com/java/api/latest/software/amazon/awssdk/core/retry/ClockSkew.html;
   * SDK for JavaScript v3 alike, after every signed call): a header with the machine's time
   * would pull the functions' clients off the sandbox clock after an `advance()`.
   */
  readonly now?: () => number;
}

/** Starts an HTTP server on loopback. */
export async function startHttpServer(handler: RequestHandler, options: HttpServerOptions = {}): Promise<StartedServer> {
  const { port = 0, host = '127.0.0.1', limit, now = Date.now } = options;
  const server = createServer((req, res) => {
    res.setHeader('date', new Date(now()).toUTCString());
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (c: Buffer) => {
      received += c.length;
      // Past the limit nothing more is kept: the body is drained so the client reads the answer.
      if (limit && received > limit.maxBytes) chunks.length = 0;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (limit && received > limit.maxBytes) {
        limit.tooLarge(res);
        return;
      }
      Promise.resolve(handler(req, Buffer.concat(chunks), res)).catch((error: unknown) => {
        if (!res.headersSent) sendError(res, error, 'json');
        else res.end();
      });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': crypto.randomUUID() });
  res.end(text);
}

/**
 * Answers an error. `json` protocols (JSON 1.0/1.1: sfn, cognito-*) carry the type in `__type`;
 * REST-JSON protocols (iot, iot-data) in the `x-amzn-ErrorType` header. Both are set, which the
 * SDK v3 deserializers of either protocol accept.
 */
export function sendError(res: ServerResponse, error: unknown, protocol: 'json' | 'rest-json', contentType?: string): void {
  const e =
    error instanceof AwsServiceError
      ? error
      : new AwsServiceError(500, protocol === 'json' ? 'InternalErrorException' : 'InternalFailureException', errorMessage(error));
  const text = JSON.stringify({ __type: e.type, message: e.message });
  res.writeHead(e.status, {
    'content-type': contentType ?? (protocol === 'json' ? 'application/x-amz-json-1.1' : 'application/json'),
    'content-length': Buffer.byteLength(text),
    'x-amzn-errortype': e.type,
    'x-amzn-requestid': crypto.randomUUID(),
  });
  res.end(text);
}

/** Parses a JSON request body; answers the protocol's serialization error when it is not JSON. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new AwsServiceError(400, 'SerializationException', 'Request body is not a JSON object');
}
