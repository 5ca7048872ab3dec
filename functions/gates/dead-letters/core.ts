import type { SFNClient } from '@aws-sdk/client-sfn';
import { ErrorNames } from '../../shared/aws/errors';
import { answerTask } from '../../shared/gates/answer';
import { parseDeadLetter, type DeadLetter } from '../../shared/gates/messages';
import type { BatchResponse, SqsRecord } from '../../shared/gates/batch';
import type { QuotaGate } from '../../shared/gates/gates';
import type { Log } from '../../shared/observability/logging';

export interface DeadLetterDeps {
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly log: Log;
  /** The gate whose dead-letter queue this consumer drains (its name and maxReceiveCount). */
  readonly gate: Pick<QuotaGate, 'name' | 'maxReceiveCount'>;
}

/**
 * A gate's dead-letter consumer: a message that failed every delivery fails its waiting execution
 * at the gate's state with `GateDeadLettered`, at once rather than when the wait times out, so
 * `npm run admin -- failed` lists it and `redrive` sends a fresh message. A message that names no
 * execution (malformed, or a reconciler check) is logged with why and deleted.
 */
export async function failDeadLetters(records: readonly SqsRecord[], deps: DeadLetterDeps): Promise<BatchResponse> {
  const failures: Array<{ itemIdentifier: string }> = [];
  for (const record of records) {
    let message: DeadLetter;
    try {
      message = parseDeadLetter(record);
    } catch (error) {
      deps.log.error('Dead-lettered gate message names no execution; dropped', { messageId: record.messageId, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const who = message.identityId ?? message.input?.sub ?? message.input?.identityId ?? message.check?.identityId ?? 'an unnamed identity';
    if (!message.taskToken) {
      deps.log.warn('Dead-lettered gate message has no waiting execution; dropped', { gate: deps.gate.name, who });
      continue;
    }
    const cause = `The ${deps.gate.name} gate could not serve ${who} in ${deps.gate.maxReceiveCount} deliveries; see the ${deps.gate.name} gate worker's log`;
    const outcome = await answerTask(deps.sfn, deps.log, message.taskToken, { error: ErrorNames.GateDeadLettered, cause });
    if (outcome === 'done') deps.log.warn('Execution failed at its gate state: its gate message was dead-lettered', { gate: deps.gate.name, who });
    else failures.push({ itemIdentifier: record.messageId });
  }
  return { batchItemFailures: failures };
}
