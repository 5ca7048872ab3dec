import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Lambda's SQS event source mapping, as the sandbox runs it (design section 10): pollers long-poll
 * the queue, hand each batch to the function as an `aws:sqs` event, and delete what the function
 * did not report in `batchItemFailures` (`ReportBatchItemFailures`). A batch whose invocation
 * threw is left alone: its messages come back after their visibility timeout, and after
 * maxReceiveCount deliveries SQS moves them to the dead-letter queue.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 *
 * `maxConcurrency` pollers run at once, so at most that many invocations of the function are in
 * flight, as `MaximumConcurrency` bounds them on AWS. AWS scales its pollers with the backlog and
 * batches for up to `MaximumBatchingWindowInSeconds`; the sandbox keeps exactly `maxConcurrency`
 * pollers and invokes as soon as a receive returns messages.
 */
export interface SqsEventSourceOptions {
  readonly sqs: Pick<SQSClient, 'send'>;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly batchSize: number;
  readonly maxConcurrency: number;
  readonly invoke: (event: { Records: SqsEventRecord[] }) => Promise<unknown>;
  /** Seconds a receive waits for messages. Default 1 (AWS's pollers wait up to 20). */
  readonly waitTimeSeconds?: number;
  readonly onError?: (error: unknown) => void;
}

export interface SqsEventRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
  readonly messageAttributes: Record<string, unknown>;
  readonly md5OfBody: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

export interface SqsEventSource {
  /** Batches handed to the function so far. */
  readonly batches: number;
  stop(): Promise<void>;
}

export function startSqsEventSource(options: SqsEventSourceOptions): SqsEventSource {
  const abort = new AbortController();
  const state = { batches: 0 };
  const pollers = Array.from({ length: options.maxConcurrency }, () => poll(options, abort.signal, state));
  return {
    get batches() {
      return state.batches;
    },
    async stop() {
      abort.abort();
      await Promise.allSettled(pollers);
    },
  };
}

async function poll(options: SqsEventSourceOptions, signal: AbortSignal, state: { batches: number }): Promise<void> {
  while (!signal.aborted) {
    try {
      const received = await options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: options.batchSize,
          WaitTimeSeconds: options.waitTimeSeconds ?? 1,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: signal },
      );
      const messages = received.Messages ?? [];
      if (messages.length === 0) continue;
      state.batches++;
      await deliver(options, messages);
    } catch (error) {
      if (signal.aborted) return;
      options.onError?.(error);
      // A queue that keeps refusing (a fault rule, a deleted queue) is polled again after a pause,
      // as Lambda's pollers back off, not in a tight loop.
      await pause(ERROR_PAUSE_MS, signal);
    }
  }
}

const ERROR_PAUSE_MS = 250;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** One invocation, then the deletes its answer allows. */
async function deliver(options: SqsEventSourceOptions, messages: Message[]): Promise<void> {
  const records = messages.map((m) => toRecord(m, options));
  let failed: Set<string>;
  try {
    failed = failedIds(await options.invoke({ Records: records }), records);
  } catch (error) {
    options.onError?.(error);
    return;
  }
  const done = records.filter((r) => !failed.has(r.messageId));
  if (done.length === 0) return;
  await options.sqs.send(
    new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }),
  );
}

/**
 * The messages to deliver again. A response that names an unknown id, an empty id or is not of
 * the documented shape fails the whole batch, as Lambda treats it.
 */
function failedIds(response: unknown, records: readonly SqsEventRecord[]): Set<string> {
  const all = new Set(records.map((r) => r.messageId));
  if (response === null || response === undefined) return new Set();
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined) return new Set();
  if (!Array.isArray(failures)) return all;
  const ids = failures.map((f) => (f as { itemIdentifier?: unknown })?.itemIdentifier);
  if (ids.some((id) => typeof id !== 'string' || !all.has(id))) return all;
  return new Set(ids as string[]);
}

function toRecord(message: Message, options: SqsEventSourceOptions): SqsEventRecord {
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: (message.Attributes ?? {}) as Record<string, string>,
    messageAttributes: message.MessageAttributes ?? {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn,
    awsRegion: options.region,
  };
}
