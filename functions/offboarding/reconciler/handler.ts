import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { clientConfig } from '../../shared/aws/clients';
import { createIotControlPlane } from '../../shared/aws/iot-control-plane/client';
import { FunctionBudgets, LOOP_DEADLINE_MARGIN_MS } from '../../shared/aws/time-budgets';
import { loadConfig } from '../../shared/aws/config';
import { createLogger } from '../../shared/observability/logging';
import { queueChecks } from './queue-checks';

const config = loadConfig({
  IOT_POLICY_NAME: z.string().check(z.regex(/^[\w+=,.@-]{1,128}$/, 'expected an IoT policy name')),
  USER_LOOKUP_QUEUE_URL: z.url(),
});
const log = createLogger('offboard-reconciler');
const iot = createIotControlPlane(clientConfig(FunctionBudgets.reconciler.sdk));
const sqs = new SQSClient(clientConfig(FunctionBudgets.reconciler.sdk));

/** Scheduled (EventBridge rule): queues a check of every identity holding the policy on the user-lookup gate. */
export const handler = async (_event: unknown, context?: Context) => {
  if (context) log.addContext(context);
  const report = await queueChecks(
    {
      policyName: config.IOT_POLICY_NAME,
      queueUrl: config.USER_LOOKUP_QUEUE_URL,
      ...(context ? { budgetMs: Math.max(context.getRemainingTimeInMillis() - LOOP_DEADLINE_MARGIN_MS, 1_000) } : {}),
    },
    { iot, sqs, log },
  );
  return report;
};
