import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { toUpstreamError } from '../../shared/aws/classify';
import type { IotControlPlane } from '../../shared/aws/iot-control-plane/api';
import type { UserLookupMessage } from '../../shared/gates/messages';
import type { Log } from '../../shared/observability/logging';
import { policyTargets } from './core';

export interface QueueChecksDeps {
  readonly iot: Pick<IotControlPlane, 'listTargetsForPolicy'>;
  readonly sqs: Pick<SQSClient, 'send'>;
  readonly log: Log;
  readonly now?: () => Date;
}

export interface QueueChecksOptions {
  readonly policyName: string;
  /** The user-lookup gate's queue. */
  readonly queueUrl: string;
  /** Execution names share this window so overlapping runs converge. Default one hour. */
  readonly windowMs?: number;
  /** Stop listing after this long (a Lambda's remaining time); the next run starts over. Default: no limit. */
  readonly budgetMs?: number;
}

export interface QueueChecksReport {
  /** Identities holding the policy that were queued for a check. */
  readonly queued: number;
  /** Entries SQS refused (sent again once, then counted here; the next run checks them). */
  readonly refused: number;
  readonly complete: boolean;
}

/** SendMessageBatch's largest batch: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html */
const BATCH = 10;

/**
 * The scheduled reconciler (design section 9) through the user-lookup gate (section 10): every
 * Cognito identity holding the product policy (ListTargetsForPolicy, paginated) is queued for a
 * check, ten to a SendMessageBatch. The gate's consumer looks each one's user up at the gate's
 * pace, sharing Cognito's ListUsers quota with offboarding, and starts the offboarding of an
 * identity whose user is gone or disabled. The reconciler itself spends no Cognito quota.
 */
export async function queueChecks(options: QueueChecksOptions, deps: QueueChecksDeps): Promise<QueueChecksReport> {
  const now = deps.now ?? (() => new Date());
  const started = now().getTime();
  const window = options.windowMs ?? 3_600_000;
  const windowStart = new Date(Math.floor(started / window) * window).toISOString();
  let batch: string[] = [];
  let queued = 0;
  let refused = 0;
  const flush = async () => {
    refused += await sendChecks(deps, options.queueUrl, batch, windowStart);
    queued += batch.length;
    batch = [];
  };
  for await (const identityId of policyTargets(deps, options.policyName)) {
    if (options.budgetMs !== undefined && now().getTime() - started > options.budgetMs) {
      await flush();
      deps.log.warn('Reconciler budget spent before the last target; the next run starts over', { queued });
      return { queued, refused, complete: false };
    }
    batch.push(identityId);
    if (batch.length === BATCH) await flush();
  }
  await flush();
  deps.log.info('Reconciler queued its checks', { queued, refused });
  return { queued, refused, complete: true };
}

/** One SendMessageBatch; its refused entries are sent once more. Returns how many were refused twice. */
async function sendChecks(deps: QueueChecksDeps, queueUrl: string, identityIds: readonly string[], windowStart: string): Promise<number> {
  let entries = identityIds.map((identityId, i) => ({ Id: String(i), MessageBody: JSON.stringify({ check: { identityId, windowStart } } satisfies UserLookupMessage) }));
  for (let attempt = 0; attempt < 2 && entries.length > 0; attempt++) {
    let failed: ReadonlyArray<{ readonly Id?: string | undefined }>;
    try {
      failed = (await deps.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }))).Failed ?? [];
    } catch (error) {
      throw toUpstreamError('SendMessageBatch', error);
    }
    const ids = new Set(failed.map((f) => f.Id));
    entries = entries.filter((e) => ids.has(e.Id));
  }
  if (entries.length > 0) deps.log.warn('SQS refused reconciler checks; the next run queues them again', { refused: entries.length });
  return entries.length;
}
