import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CloudWatchErrors } from '../errors';
import type { CloudWatchProtocol } from './protocol';
import { queryParamsToInput } from './query-params';
import { errorXml, resultXml } from './query-xml';

function sendXml(res: ServerResponse, status: number, xml: string, requestId: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml), 'x-amzn-requestid': requestId });
  res.end(xml);
}

/** The request's parameters: the URL's query string, then a form-encoded body. */
function paramsOf(req: IncomingMessage, body: Buffer): URLSearchParams {
  const url = req.url ?? '/';
  const params = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params.append(key, value);
  return params;
}

/**
 * The AWS query protocol, what CloudWatch clients built before CloudWatch's move to JSON speak
 * (botocore 1.34, as the Google Cloud CLI vendors it; the SDK for JavaScript v2):
 * `Action=GetMetricData&Version=2010-08-01&…` form-encoded, XML answers.
 */
export const queryProtocol: CloudWatchProtocol = {
  name: 'query',
  decode(req, body) {
    const params = paramsOf(req, body);
    const operation = params.get('Action');
    if (!operation) throw CloudWatchErrors.missingAction();
    return { operation, input: queryParamsToInput(params) };
  },
  answer(res, operation, output) {
    const requestId = randomUUID();
    sendXml(res, 200, resultXml(operation, output, requestId), requestId);
  },
  fail(res, error) {
    const requestId = randomUUID();
    sendXml(res, error.status, errorXml(error, requestId), requestId);
  },
};
