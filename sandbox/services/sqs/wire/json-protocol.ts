import { awsJsonProtocol } from '../../../wire/query-compatible/json-protocol';
import { FrontEndErrors } from '../../../wire/query-compatible/error';

/** AWS JSON 1.0, what current SDKs speak to SQS: `X-Amz-Target: AmazonSQS.<Operation>`. */
export const jsonProtocol = awsJsonProtocol({
  targetPrefix: 'AmazonSQS',
  unknownOperation: (operation) => FrontEndErrors.unknownOperation(`Operation ${operation} is not supported by the sandbox`),
});
