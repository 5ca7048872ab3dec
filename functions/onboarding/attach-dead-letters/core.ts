import { SendTaskFailureCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { errorName } from '../../shared/aws/error-name';
import { ErrorNames } from '../../shared/aws/errors';
import type { BatchResponse, SqsRecord } from '../../shared/gates/batch';
import type { Log } from '../../shared/observability/logging';
import { parseAttachMessage } from '../attach-worker/core';

export interface DeadLetterDeps {
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly log: Log;
  /** How many deliveries a message had before it was dead-lettered (the queue's maxReceiveCount). */
  readonly maxReceiveCount: number;
}

/**
 * The attach gate's dead-letter consumer: a message that failed every delivery fails its waiting
 * execution at AttachPolicy with `GateDeadLettered`, at once rather than when the wait times out,
 * so `npm run admin -- failed` lists it and `redrive` sends a fresh message. A message that names
 * no execution (malformed) is logged with why and deleted: nobody is waiting for it.
 */
export async function failDeadLetters(records: readonly SqsRecord[], deps: DeadLetterDeps): Promise<BatchResponse> {
  const failures: Array<{ itemIdentifier: string }> = [];
  for (const record of records) {
    let taskToken: string;
    let identityId: string;
    try {
      ({ taskToken, identityId } = parseAttachMessage(record));
    } catch (error) {
      deps.log.error('Dead-lettered gate message names no execution; dropped', { messageId: record.messageId, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const cause = `The attach gate could not attach the policy to ${identityId} in ${deps.maxReceiveCount} deliveries; see the attach worker's log`;
    try {
      await deps.sfn.send(new SendTaskFailureCommand({ taskToken, error: ErrorNames.GateDeadLettered, cause }));
      deps.log.warn('Execution failed at AttachPolicy: its gate message was dead-lettered', { identityId });
    } catch (error) {
      const name = errorName(error);
      if (name === 'TaskTimedOut' || name === 'TaskDoesNotExist' || name === 'InvalidToken') continue;
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
