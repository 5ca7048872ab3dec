import { IoTClient } from '@aws-sdk/client-iot';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { clientConfig } from '../../shared/aws/clients';
import { loadConfig } from '../../shared/aws/config';
import { FunctionBudgets, GATE_RESERVE_MS } from '../../shared/aws/time-budgets';
import { AdaptivePacer } from '../../shared/gates/adaptive-pacer';
import { AttachGate, gateRateProblem, perConsumerRate } from '../../shared/gates/gates';
import { createCounter, createLogger } from '../../shared/observability/logging';
import { attachBatch } from './core';

const config = loadConfig({
  IOT_POLICY_NAME: z.string().check(z.regex(/^[\w+=,.@-]{1,128}$/, 'expected an IoT policy name')),
  GATE_RATE: z.optional(z.string().check(z.regex(/^\d+(\.\d+)?$/, 'expected calls per second'))),
});
const rate = config.GATE_RATE === undefined ? AttachGate.ratePerSecond : Number(config.GATE_RATE);
const rateProblem = gateRateProblem(AttachGate, rate);
if (rateProblem) throw new Error(rateProblem);
const log = createLogger('attach-worker');
const metrics = createCounter('attach-worker');
const tuning = FunctionBudgets.attachWorker.sdk;
const iot = new IoTClient(clientConfig(tuning));
const sfn = new SFNClient(clientConfig(tuning));
// One pace per warm instance, kept across invocations: each of the gate's concurrent invocations
// takes its share of the rate (functions/shared/gates/gates.ts).
const pacer = new AdaptivePacer({ ceilingPerSecond: perConsumerRate(AttachGate, rate) });

/** SQS event source (ReportBatchItemFailures) of the attach gate's queue. */
export const handler = async (event: SQSEvent, context: Context) => {
  log.addContext(context);
  try {
    return await attachBatch(event.Records, {
      iot,
      sfn,
      policyName: config.IOT_POLICY_NAME,
      pacer,
      remainingMs: () => context.getRemainingTimeInMillis(),
      reserveMs: GATE_RESERVE_MS,
      log,
      metrics,
    });
  } finally {
    metrics.flush();
  }
};
