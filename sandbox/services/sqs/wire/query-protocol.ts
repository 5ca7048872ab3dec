import type { IncomingMessage } from 'node:http';
import { SANDBOX_ACCOUNT } from '../../../wire/account';
import { awsQueryProtocol } from '../../../wire/query-compatible/query-protocol';
import { SqsErrors } from '../errors';
import { queryParamsToInput } from './query-params';
import { QUERY_INPUTS, QUERY_OUTPUTS } from './query-shapes';
import { resultXml, SQS_XML_NAMESPACE } from './query-xml';

/** A call POSTed to the queue's own URL names its queue by the path instead of a QueueUrl parameter. */
function queueUrlFromPath(req: IncomingMessage): string | undefined {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  return path.startsWith(`/${SANDBOX_ACCOUNT}/`) ? `http://${req.headers.host ?? 'localhost'}${path}` : undefined;
}

/**
 * The AWS query protocol, what SQS clients built before SQS moved to JSON speak (Debian's AWS CLI
 * 2.9, botocore before 1.31, the SDK for JavaScript v2): `Action=<Operation>&Version=2012-11-05&…`
 * to the service root or the queue's URL; XML answers whose errors end in `<Detail/>`
 * ("Interpreting Amazon SQS XML API responses",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-responses.html).
 */
export const queryProtocol = awsQueryProtocol({
  xmlNamespace: SQS_XML_NAMESPACE,
  input(operation, params, req) {
    const shape = QUERY_INPUTS[operation];
    if (!shape) throw SqsErrors.invalidAction(operation);
    const input = queryParamsToInput(params, shape);
    const fromPath = 'QueueUrl' in shape.members && input['QueueUrl'] === undefined ? queueUrlFromPath(req) : undefined;
    return fromPath === undefined ? input : { ...input, QueueUrl: fromPath };
  },
  result: (operation, output) => resultXml(operation, output as Record<string, unknown>, QUERY_OUTPUTS[operation]),
  unknownOperation: (operation) => SqsErrors.invalidAction(operation),
  errorDetail: true,
});
