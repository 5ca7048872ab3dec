import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { clientConfig } from '../../shared/aws/clients';
import { ConfigVars, loadConfig } from '../../shared/aws/config';
import { createIotControlPlane } from '../../shared/aws/iot-control-plane/client';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { gateConsumer } from '../../shared/gates/consumer';
import { DeviceReleaseGate } from '../../shared/gates/gates';
import { deviceReleaseBatch } from './core';

const config = loadConfig({ IOT_DATA_ENDPOINT: ConfigVars.url(), GATE_RATE: z.optional(z.string()) });
const tuning = FunctionBudgets.gateWorker.sdk;
const iot = createIotControlPlane(clientConfig(tuning));
const iotData = new IoTDataPlaneClient(clientConfig({ ...tuning, endpoint: config.IOT_DATA_ENDPOINT }));
const sfn = new SFNClient(clientConfig(tuning));

/** SQS event source (ReportBatchItemFailures) of the device-release gate's queue. */
export const { handler } = gateConsumer(DeviceReleaseGate, config.GATE_RATE, (records, invocation) => deviceReleaseBatch(records, { ...invocation, iot, iotData, sfn }));
