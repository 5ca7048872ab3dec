import type { Log } from '../observability/logging';
import type { AdaptivePacer } from './adaptive-pacer';

/** An SQS record as Lambda's event source mapping delivers it (only what the gates read). */
export interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
  readonly attributes?: { readonly ApproximateReceiveCount?: string };
}

/** Lambda's partial batch response (`ReportBatchItemFailures`): the messages to deliver again. */
export interface BatchResponse {
  readonly batchItemFailures: Array<{ readonly itemIdentifier: string }>;
}

/**
 * What one call through the gate came to: `done` (answered, successfully or not: the message is
 * deleted), `throttled` (the quota refused it: slow down and try again), `transient` (a 5xx or a
 * timeout: try again a few times, then leave it to redelivery).
 */
export type GateOutcome = 'done' | 'throttled' | 'transient';

export interface GateBatchDeps {
  readonly pacer: AdaptivePacer;
  /** Milliseconds left in this invocation (Lambda's `getRemainingTimeInMillis`). */
  readonly remainingMs: () => number;
  /** No call starts with less than this left: the worst case of one call plus the answer. */
  readonly reserveMs: number;
  /** Transient failures tried again within the invocation before the message is left for redelivery. Default 2. */
  readonly transientRetries?: number;
  readonly log: Log;
}

/**
 * Drains one batch through the gate, one message after another at the pacer's pace. A throttled
 * call slows the pacer and is tried again (the quota is the gate's to share, not the message's
 * to fight for); a message that cannot finish before the invocation's reserve is reported as a
 * batch item failure, so SQS delivers it again after its visibility timeout. Nothing is lost: a
 * message is deleted only when `work` answered it.
 */
export async function drainBatch<T>(
  records: readonly SqsRecord[],
  parse: (record: SqsRecord) => T,
  work: (message: T, record: SqsRecord) => Promise<GateOutcome>,
  deps: GateBatchDeps,
): Promise<BatchResponse> {
  const failures: string[] = [];
  for (const [index, record] of records.entries()) {
    if (!enoughTime(deps)) {
      failures.push(...records.slice(index).map((r) => r.messageId));
      deps.log.warn('Invocation time spent; the rest of the batch is delivered again', { left: records.length - index });
      break;
    }
    let message: T;
    try {
      message = parse(record);
    } catch (error) {
      // Nothing can answer it: redelivery brings it to the dead-letter queue, where it is counted.
      deps.log.error('Gate message refused', { messageId: record.messageId, reason: error instanceof Error ? error.message : String(error) });
      failures.push(record.messageId);
      continue;
    }
    if (!(await attempt(message, record, work, deps))) failures.push(record.messageId);
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

function enoughTime(deps: GateBatchDeps): boolean {
  return deps.remainingMs() - deps.pacer.nextWaitMs > deps.reserveMs;
}

/** One message until it is answered, or the invocation cannot give it another try. */
async function attempt<T>(message: T, record: SqsRecord, work: (message: T, record: SqsRecord) => Promise<GateOutcome>, deps: GateBatchDeps): Promise<boolean> {
  let transientLeft = deps.transientRetries ?? 2;
  for (;;) {
    await deps.pacer.turn();
    const outcome = await work(message, record);
    if (outcome === 'done') {
      deps.pacer.succeeded();
      return true;
    }
    if (outcome === 'throttled') deps.pacer.throttled();
    else if (transientLeft-- <= 0) return false;
    if (!enoughTime(deps)) return false;
  }
}
