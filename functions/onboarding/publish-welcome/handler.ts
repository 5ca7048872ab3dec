import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import type { Context } from 'aws-lambda';
import { clientConfig } from '../../shared/aws/clients';
import { ConfigVars, loadConfig } from '../../shared/aws/config';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { createLogger } from '../../shared/observability/logging';
import { publishWelcome } from './core';

const config = loadConfig({ IOT_DATA_ENDPOINT: ConfigVars.url() });
const log = createLogger('publish-welcome');
// The account's ATS data endpoint (iot:DescribeEndpoint, endpointType iot:Data-ATS).
// No blind SDK retry (FunctionBudgets.publishWelcome.sdk has maxAttempts 1): the first welcome
// write is unconditional (no shadow version to check yet); if it landed and its response was lost,
// an SDK retry would write a second welcome. The workflow's Retry re-runs the whole task instead,
// which re-reads the shadow first.
const iotData = new IoTDataPlaneClient(clientConfig({ ...FunctionBudgets.publishWelcome.sdk, endpoint: config.IOT_DATA_ENDPOINT }));

/** Step Functions task: throws named errors (the ASL retries UpstreamThrottled/UpstreamUnavailable). */
export const handler = async (event: unknown, context: Context) => {
  log.addContext(context);
  return publishWelcome(event, { iotData, log });
};
