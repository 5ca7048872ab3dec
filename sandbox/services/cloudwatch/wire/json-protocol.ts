import { awsJsonProtocol } from '../../../wire/query-compatible/json-protocol';
import { CloudWatchErrors } from '../errors';

/** The service model's `targetPrefix`. */
export const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801';

/**
 * AWS JSON 1.0, what the SDK for JavaScript v3 (client-cloudwatch 3.1164) and botocore 1.43 (AWS
 * CLI 1.45) send: `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, `x-amzn-query-mode: true`.
 */
export const jsonProtocol = awsJsonProtocol({ targetPrefix: CLOUDWATCH_TARGET_PREFIX, unknownOperation: CloudWatchErrors.unknownOperation });
