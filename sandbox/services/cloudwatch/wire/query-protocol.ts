import { awsQueryProtocol } from '../../../wire/query-compatible/query-protocol';
import { CloudWatchErrors } from '../errors';
import { queryParamsToInput } from './query-params';
import { CLOUDWATCH_XML_NAMESPACE, resultXml } from './query-xml';

/**
 * The AWS query protocol, what CloudWatch clients built before CloudWatch's move to JSON speak
 * (botocore 1.34, as the Google Cloud CLI vendors it; the SDK for JavaScript v2):
 * `Action=GetMetricData&Version=2010-08-01&…` form-encoded, XML answers.
 */
export const queryProtocol = awsQueryProtocol({
  xmlNamespace: CLOUDWATCH_XML_NAMESPACE,
  input: (_operation, params) => queryParamsToInput(params),
  result: resultXml,
  unknownOperation: CloudWatchErrors.unknownOperation,
  errorDetail: false,
});
