import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { clientConfig } from '../../shared/aws/clients';
import { createIotControlPlane } from '../../shared/aws/iot-control-plane/client';
import { loadConfig } from '../../shared/aws/config';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { gateConsumer } from '../../shared/gates/consumer';
import { QUOTA_GATES } from '../../shared/gates/gates';
import { policyBatch } from './core';

const config = loadConfig({
  GATE_NAME: z.enum(['attach', 'detach']),
  IOT_POLICY_NAME: z.string().check(z.regex(/^[\w+=,.@-]{1,128}$/, 'expected an IoT policy name')),
  GATE_RATE: z.optional(z.string()),
});
const tuning = FunctionBudgets.gateWorker.sdk;
const iot = createIotControlPlane(clientConfig(tuning));
const sfn = new SFNClient(clientConfig(tuning));

/** SQS event source (ReportBatchItemFailures) of the attach or the detach gate's queue. */
export const { handler } = gateConsumer(QUOTA_GATES[config.GATE_NAME], config.GATE_RATE, (records, invocation) =>
  policyBatch(records, { ...invocation, operation: config.GATE_NAME, iot, sfn, policyName: config.IOT_POLICY_NAME }),
);
