import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import type { Context } from 'aws-lambda';
import { clientConfig } from '../shared/clients';
import { ConfigVars, loadConfig } from '../shared/config';
import { FunctionBudgets } from '../shared/time-budgets';
import { createLogger } from '../shared/observability';
import { publishWelcome } from './core';

const config = loadConfig({ IOT_DATA_ENDPOINT: ConfigVars.url() });
const log = createLogger('publish-welcome');
// The account's ATS data endpoint (iot:DescribeEndpoint, endpointType iot:Data-ATS).
// maxAttempts 1: no blind SDK retry. The first welcome write is unconditional (no shadow version
// to check yet); if it landed and its response was lost, an SDK retry would write a second
// welcome. The workflow's Retry re-runs the whole task instead, which re-reads the shadow first.
const iotData = new IoTDataPlaneClient(clientConfig({ ...FunctionBudgets.publishWelcome.sdk, endpoint: config.IOT_DATA_ENDPOINT }));

/** Step Functions task: throws named errors (the ASL retries UpstreamThrottled/UpstreamUnavailable). */
export const handler = async (event: unknown, context: Context) => {
  log.addContext(context);
  return publishWelcome(event, { iotData, log });
};
