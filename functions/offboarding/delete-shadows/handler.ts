import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { clientConfig } from '../../shared/aws/clients';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { ConfigVars, loadConfig } from '../../shared/aws/config';
import { createLogger } from '../../shared/observability/logging';
import { deleteUserShadows } from './core';
import { taskHandler } from '../../shared/workflows/task-handler';

const config = loadConfig({ IOT_DATA_ENDPOINT: ConfigVars.url() });
const log = createLogger('offboard-delete-shadows');
const iotData = new IoTDataPlaneClient(clientConfig({ ...FunctionBudgets.offboardDeleteShadows.sdk, endpoint: config.IOT_DATA_ENDPOINT }));

/** Step Functions task: throws named errors (the ASL retries UpstreamThrottled/UpstreamUnavailable). */
export const handler = taskHandler(log, 'Deleting the user shadows failed', (event) => deleteUserShadows(event, { iotData, log }));
