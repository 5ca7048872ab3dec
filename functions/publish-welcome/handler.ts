import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { clientConfig } from '../shared/clients';
import { ConfigVars, loadConfig } from '../shared/config';
import { createLogger } from '../shared/observability';
import { publishWelcome } from './core';

const config = loadConfig({ IOT_DATA_ENDPOINT: ConfigVars.url() });
const log = createLogger('publish-welcome');
// The account's ATS data endpoint (iot:DescribeEndpoint, endpointType iot:Data-ATS).
// maxAttempts 1: no blind SDK retry. The first welcome write is unconditional (no shadow version
// to check yet); if it landed and its response was lost, an SDK retry would write a second
// welcome. The workflow's Retry re-runs the whole task instead, which re-reads the shadow first.
const iotData = new IoTDataPlaneClient(clientConfig({ endpoint: config.IOT_DATA_ENDPOINT, maxAttempts: 1 }));

/** Step Functions task: throws named errors (the ASL retries UpstreamThrottled/UpstreamUnavailable). */
export const handler = async (event: unknown) => publishWelcome(event, { iotData, log });
