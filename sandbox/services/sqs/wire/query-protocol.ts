import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SANDBOX_ACCOUNT } from '../../../wire/account';
import { SqsErrors } from '../errors';
import type { SqsProtocol } from './protocol';
import { queryParamsToInput } from './query-params';
import { QUERY_INPUTS, QUERY_OUTPUTS } from './query-shapes';
import { errorXml, resultXml } from './query-xml';

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

/** A call POSTed to the queue's own URL names its queue by the path instead of a QueueUrl parameter. */
function queueUrlFromPath(req: IncomingMessage): string | undefined {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  return path.startsWith(`/${SANDBOX_ACCOUNT}/`) ? `http://${req.headers.host ?? 'localhost'}${path}` : undefined;
}

/**
 * The AWS query protocol, what SQS clients built before SQS moved to JSON speak (Debian's AWS CLI
 * 2.9, botocore before 1.31, the SDK for JavaScript v2): `Action=<Operation>&Version=2012-11-05&…`
 * form-encoded in a POST (or in a GET's query string) to the service root or the queue's URL;
 * XML answers ("Interpreting Amazon SQS XML API responses",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-responses.html).
 */
export const queryProtocol: SqsProtocol = {
  name: 'query',
  decode(req, body) {
    const params = paramsOf(req, body);
    const operation = params.get('Action');
    if (!operation) throw SqsErrors.missingAction();
    const shape = QUERY_INPUTS[operation];
    if (!shape) throw queryProtocol.unknownOperation(operation);
    const input = queryParamsToInput(params, shape);
    const fromPath = 'QueueUrl' in shape.members && input['QueueUrl'] === undefined ? queueUrlFromPath(req) : undefined;
    return { operation, input: fromPath === undefined ? input : { ...input, QueueUrl: fromPath } };
  },
  unknownOperation: (operation) => SqsErrors.invalidAction(operation),
  answer(res, operation, output) {
    const requestId = randomUUID();
    sendXml(res, 200, resultXml(operation, output as Record<string, unknown>, QUERY_OUTPUTS[operation], requestId), requestId);
  },
  fail(res, error) {
    const requestId = randomUUID();
    sendXml(res, error.status, errorXml({ side: error.side, code: error.code, message: error.queryMessage }, requestId), requestId);
  },
};
