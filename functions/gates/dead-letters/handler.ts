import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { clientConfig } from '../../shared/aws/clients';
import { loadConfig } from '../../shared/aws/config';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { GATE_NAMES, QUOTA_GATES } from '../../shared/gates/gates';
import { createLogger } from '../../shared/observability/logging';
import { failDeadLetters } from './core';

const config = loadConfig({ GATE_NAME: z.enum(GATE_NAMES as [string, ...string[]]) });
const gate = QUOTA_GATES[config.GATE_NAME as keyof typeof QUOTA_GATES];
const log = createLogger(`${gate.name}-gate-dead-letters`);
const sfn = new SFNClient(clientConfig(FunctionBudgets.gateDeadLetters.sdk));

/** SQS event source (ReportBatchItemFailures) of one gate's dead-letter queue. */
export const handler = async (event: SQSEvent, context: Context) => {
  log.addContext(context);
  return failDeadLetters(event.Records, { sfn, log, gate });
};
