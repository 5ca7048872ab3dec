import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GATE_NAMES, type GateName } from '../../functions/shared/gates/gates';
import type { Clients, Targets } from '../context';
import { table, type Output } from '../output';

export interface GateBacklog {
  readonly gate: GateName;
  /** Messages waiting for their turn (ApproximateNumberOfMessages). */
  readonly waiting: number;
  /** Messages a consumer holds right now (ApproximateNumberOfMessagesNotVisible). */
  readonly inFlight: number;
  /** Messages that failed every delivery and wait for the dead-letter consumer. */
  readonly deadLettered: number;
  /** The calls per second the gate was deployed with (the `QuotaGates` output): its consumer's ceiling. */
  readonly ratePerSecond: number;
  /** Seconds the waiting and in-flight messages take at that rate. */
  readonly drainSeconds: number;
}

/**
 * `queue`: every quota gate's backlog, as SQS counts it (approximate, "eventually consistent":
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html),
 * with the rate it drains at. The age of the oldest message is a CloudWatch metric
 * (`ApproximateAgeOfOldestMessage`), alarmed on by the stack (GateAlarms), not a queue attribute;
 * the consumer's adaptive pace below its ceiling is in its log and its GateThrottled metric.
 */
export async function queueCommand(clients: Clients, targets: Targets, out: Output): Promise<GateBacklog[]> {
  const attributes = async (QueueUrl: string) =>
    (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
  const count = (value: string | undefined) => Number(value ?? '0');
  const backlogs = await Promise.all(
    GATE_NAMES.map(async (gate): Promise<GateBacklog> => {
      const endpoints = targets.gates[gate];
      const [queue, dead] = await Promise.all([attributes(endpoints.queueUrl), attributes(endpoints.deadLetterQueueUrl)]);
      const waiting = count(queue.ApproximateNumberOfMessages);
      const inFlight = count(queue.ApproximateNumberOfMessagesNotVisible);
      return {
        gate,
        waiting,
        inFlight,
        deadLettered: count(dead.ApproximateNumberOfMessages) + count(dead.ApproximateNumberOfMessagesNotVisible),
        ratePerSecond: endpoints.ratePerSecond,
        drainSeconds: Math.ceil((waiting + inFlight) / endpoints.ratePerSecond),
      };
    }),
  );
  out.result(backlogs, () =>
    table(
      ['GATE', 'WAITING', 'IN FLIGHT', 'DEAD-LETTERED', 'RATE', 'DRAINS IN'],
      backlogs.map((b) => [b.gate, String(b.waiting), String(b.inFlight), String(b.deadLettered), `${b.ratePerSecond}/s`, `${b.drainSeconds} s`]),
    ),
  );
  return backlogs;
}
