import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FrontEndErrors, type QueryCompatibleError } from './error';
import type { QueryCompatibleProtocol } from './protocol';
import { errorXml, responseXml } from './query-xml';

function sendXml(res: ServerResponse, status: number, xml: string, requestId: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml), 'x-amzn-requestid': requestId });
  res.end(xml);
}

/** The request's parameters: the URL's query string, then a form-encoded body (`+` is a space there). */
function paramsOf(req: IncomingMessage, body: Buffer): URLSearchParams {
  const url = req.url ?? '/';
  const params = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params.append(key, value);
  return params;
}

export interface AwsQueryService {
  /** The service model's `xmlNamespace`. */
  readonly xmlNamespace: string;
  /**
   * The operation's members as AWS JSON 1.0 has them, read from the request's parameters (the
   * service's own names and list forms); may refuse an operation the service does not serve.
   */
  input(operation: string, params: URLSearchParams, req: IncomingMessage): unknown;
  /** An answer's `<OperationResult>` element: '' for an operation whose output has no members. */
  result(operation: string, output: object): string;
  unknownOperation(operation: string): QueryCompatibleError;
  /** Whether `<Error>` ends in an empty `<Detail/>`, as SQS's does. */
  readonly errorDetail: boolean;
}

/**
 * The AWS query protocol, what clients built before a service moved to JSON speak:
 * `Action=<Operation>&Version=<api version>&…` form-encoded in a POST (or in a GET's query
 * string), XML answers (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html).
 */
export function awsQueryProtocol(service: AwsQueryService): QueryCompatibleProtocol {
  return {
    name: 'query',
    decode(req, body) {
      const params = paramsOf(req, body);
      const operation = params.get('Action');
      if (!operation) throw FrontEndErrors.missingAction();
      return { operation, input: service.input(operation, params, req) };
    },
    unknownOperation: (operation) => service.unknownOperation(operation),
    answer(res, operation, output) {
      const requestId = randomUUID();
      sendXml(res, 200, responseXml(service.xmlNamespace, operation, service.result(operation, output), requestId), requestId);
    },
    fail(res, error) {
      const requestId = randomUUID();
      const xml = errorXml(service.xmlNamespace, { side: error.side, code: error.code, message: error.queryMessage }, requestId, service.errorDetail);
      sendXml(res, error.status, xml, requestId);
    },
  };
}
