import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context, SQSEvent } from 'aws-lambda';
import { clientConfig } from '../../shared/aws/clients';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { AttachGate } from '../../shared/gates/gates';
import { createLogger } from '../../shared/observability/logging';
import { failDeadLetters } from './core';

const log = createLogger('attach-dead-letters');
const sfn = new SFNClient(clientConfig(FunctionBudgets.attachDeadLetters.sdk));

/** SQS event source (ReportBatchItemFailures) of the attach gate's dead-letter queue. */
export const handler = async (event: SQSEvent, context: Context) => {
  log.addContext(context);
  return failDeadLetters(event.Records, { sfn, log, maxReceiveCount: AttachGate.maxReceiveCount });
};
