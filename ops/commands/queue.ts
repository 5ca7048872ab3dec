import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { AttachGate } from '../../functions/shared/gates/gates';
import type { Clients, Targets } from '../context';
import { table, type Output } from '../output';

export interface GateBacklog {
  readonly gate: string;
  /** Messages waiting for their turn (ApproximateNumberOfMessages). */
  readonly waiting: number;
  /** Messages a consumer holds right now (ApproximateNumberOfMessagesNotVisible). */
  readonly inFlight: number;
  /** Messages that failed every delivery and wait for the dead-letter consumer. */
  readonly deadLettered: number;
  /** Seconds the waiting messages take at the gate's default rate. */
  readonly drainSeconds: number;
}

/**
 * `queue`: the attach gate's backlog, as SQS counts it (approximate, "eventually consistent":
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html).
 * The age of the oldest message is a CloudWatch metric (`ApproximateAgeOfOldestMessage`), alarmed on
 * by the stack, not an attribute.
 */
export async function queueCommand(clients: Clients, targets: Targets, out: Output): Promise<GateBacklog> {
  const attributes = async (QueueUrl: string) =>
    (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
  const [queue, dead] = await Promise.all([attributes(targets.attachQueueUrl), attributes(targets.attachDeadLetterQueueUrl)]);
  const count = (value: string | undefined) => Number(value ?? '0');
  const waiting = count(queue.ApproximateNumberOfMessages);
  const backlog: GateBacklog = {
    gate: AttachGate.name,
    waiting,
    inFlight: count(queue.ApproximateNumberOfMessagesNotVisible),
    deadLettered: count(dead.ApproximateNumberOfMessages) + count(dead.ApproximateNumberOfMessagesNotVisible),
    drainSeconds: Math.ceil(waiting / AttachGate.ratePerSecond),
  };
  out.result(backlog, () =>
    table(
      ['GATE', 'WAITING', 'IN FLIGHT', 'DEAD-LETTERED', 'DRAINS IN'],
      [[backlog.gate, String(backlog.waiting), String(backlog.inFlight), String(backlog.deadLettered), `${backlog.drainSeconds} s at ${AttachGate.ratePerSecond}/s`]],
    ),
  );
  return backlog;
}
