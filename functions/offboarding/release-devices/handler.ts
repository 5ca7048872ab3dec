import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import type { Context } from 'aws-lambda';
import { clientConfig } from '../../shared/aws/clients';
import { createIotControlPlane } from '../../shared/aws/iot-control-plane/client';
import { ConfigVars, loadConfig } from '../../shared/aws/config';
import { createLogger } from '../../shared/observability/logging';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { releaseDevicesOf } from './core';

const config = loadConfig({ IOT_DATA_ENDPOINT: ConfigVars.url() });
const log = createLogger('offboard-release-devices');
// No SDK retry: the ASL retries the task, which lists only what is still owned (time-budgets.ts).
const tuning = FunctionBudgets.offboardReleaseDevices.sdk;
const iot = createIotControlPlane(clientConfig(tuning));
const iotData = new IoTDataPlaneClient(clientConfig({ ...tuning, endpoint: config.IOT_DATA_ENDPOINT }));

/** Step Functions task of the offboarding workflow (state ReleaseDevices). */
export const handler = async (event: unknown, context: Context) => {
  log.addContext(context);
  return releaseDevicesOf(event, { iot, iotData, log });
};
