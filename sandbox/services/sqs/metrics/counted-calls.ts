import type { QueueStore } from '../queue-store';
import type { CountedMetric, QueueMetrics } from './queue-metrics';

type Output = { readonly Successful?: readonly unknown[] };

/**
 * The calls that count, and how many each adds: NumberOfMessagesSent, "the number of messages
 * added to a queue", counts what SendMessage(Batch) added (not the moves of a redrive policy to a
 * dead-letter queue, which send nothing here); NumberOfMessagesDeleted counts every deletion
 * answered with success, a second deletion with the same receipt handle included (the sandbox,
 * like SQS, answers it with success). Metric names and descriptions:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html.
 */
const COUNTED: Readonly<Record<string, readonly [CountedMetric, (output: Output) => number]>> = {
  SendMessage: ['NumberOfMessagesSent', () => 1],
  SendMessageBatch: ['NumberOfMessagesSent', (output) => output.Successful?.length ?? 0],
  DeleteMessage: ['NumberOfMessagesDeleted', () => 1],
  DeleteMessageBatch: ['NumberOfMessagesDeleted', (output) => output.Successful?.length ?? 0],
};

/** Counts an answered call in its queue's metrics; other operations, and a queue gone meanwhile, count nothing. */
export function countAnsweredCall(metrics: QueueMetrics, queues: QueueStore, call: { operation: string; input: unknown; output: object }, now: number): void {
  const counted = Object.hasOwn(COUNTED, call.operation) ? COUNTED[call.operation] : undefined;
  const queueUrl = (call.input as { QueueUrl?: unknown }).QueueUrl;
  if (!counted || typeof queueUrl !== 'string') return;
  const [metric, count] = counted;
  const n = count(call.output as Output);
  const queue = queueByPath(queues, queueUrl);
  if (n > 0 && queue) metrics.count(queue, metric, n, now);
}

/** The queue a QueueUrl names by its path (any host reaching the endpoint names the same queue), if it exists. */
function queueByPath(queues: QueueStore, queueUrl: string) {
  try {
    return queues.byUrl(queueUrl);
  } catch {
    return undefined;
  }
}
