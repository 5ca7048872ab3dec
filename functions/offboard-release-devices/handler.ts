import { IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import type { Context } from 'aws-lambda';
import { clientConfig } from '../shared/clients';
import { ConfigVars, loadConfig } from '../shared/config';
import { createLogger } from '../shared/observability';
import { releaseDevicesOf } from './core';

const config = loadConfig({ IOT_DATA_ENDPOINT: ConfigVars.url() });
const log = createLogger('offboard-release-devices');
// Every write is conditional or idempotent, so the SDK may retry; the ASL retries the task too.
const tuning = { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxAttempts: 2 };
const iot = new IoTClient(clientConfig(tuning));
const iotData = new IoTDataPlaneClient(clientConfig({ ...tuning, endpoint: config.IOT_DATA_ENDPOINT }));

/** Step Functions task of the offboarding workflow (state ReleaseDevices). */
export const handler = async (event: unknown, context: Context) => {
  log.addContext(context);
  return releaseDevicesOf(event, { iot, iotData, log });
};
