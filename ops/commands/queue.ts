import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GATE_NAMES, type GateName, type QuotaGatesOutput } from '../../functions/shared/gates/gates';
import type { Clients, Targets } from '../context';
import { describeAwsFailure, table, type Output } from '../output';
import { readGateQueueMetrics, type GateQueueMetrics } from './queue-metrics';

export interface GateBacklog {
  readonly gate: GateName;
  /** Messages waiting for their turn (ApproximateNumberOfMessages). */
  readonly waiting: number;
  /** Messages a consumer holds right now (ApproximateNumberOfMessagesNotVisible). */
  readonly inFlight: number;
  /** Messages that failed every delivery and wait for the dead-letter consumer. */
  readonly deadLettered: number;
  /** How long the oldest message has waited, in seconds (CloudWatch); null when the queue holds none, or without a datapoint. */
  readonly oldestAgeSeconds: number | null;
  /** Messages per second the gate actually drained in the latest complete minute (CloudWatch); null without a datapoint. */
  readonly drainingPerSecond: number | null;
  /** The calls per second the gate was deployed with (the `QuotaGates` output): its consumer's ceiling. */
  readonly ratePerSecond: number;
  /** Seconds the waiting and in-flight messages take at that rate. */
  readonly drainSeconds: number;
}

type SqsFigures = Omit<GateBacklog, 'oldestAgeSeconds' | 'drainingPerSecond'>;

const NO_METRICS: GateQueueMetrics = { oldestAgeSeconds: null, drainingPerSecond: null };

/**
 * `queue`: every quota gate's backlog, as SQS counts it (approximate, "eventually consistent":
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html),
 * with the rate it was deployed with, and from CloudWatch the age of its oldest message and the
 * rate it drains at now (queue-metrics.ts), which the consumer's adaptive pacer may hold below
 * the deployed rate. Without CloudWatch (refused, unreachable) the SQS figures stand alone and one
 * line on stderr says why.
 */
export async function queueCommand(clients: Clients, targets: Targets, out: Output): Promise<GateBacklog[]> {
  const figures = await Promise.all(GATE_NAMES.map((gate) => sqsFigures(clients, gate, targets.gates[gate])));
  const metrics = await readGateQueueMetrics(clients.cloudwatch, targets.gates, (clients.serviceNow ?? Date.now)()).catch((error: unknown) => {
    out.warn(`CloudWatch metrics unavailable, AGE OF OLDEST and DRAINING AT not shown: ${describeAwsFailure(error).replace(/\s+/g, ' ')}`);
    return undefined;
  });
  const backlogs = figures.map((f): GateBacklog => {
    const m = metrics?.[f.gate] ?? NO_METRICS;
    // An empty queue has no oldest message, whatever datapoint CloudWatch still holds from the minutes before.
    return { ...f, oldestAgeSeconds: f.waiting + f.inFlight === 0 ? null : m.oldestAgeSeconds, drainingPerSecond: m.drainingPerSecond };
  });
  out.result(backlogs, () => render(backlogs));
  return backlogs;
}

async function sqsFigures(clients: Clients, gate: GateName, endpoints: QuotaGatesOutput[GateName]): Promise<SqsFigures> {
  const attributes = async (QueueUrl: string) =>
    (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
  const count = (value: string | undefined) => Number(value ?? '0');
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
}

/** Rates to two decimals (1 message a minute is 0.02/s). */
const perSecond = (rate: number) => `${Number(rate.toFixed(2))}/s`;

function render(backlogs: readonly GateBacklog[]): string {
  return table(
    ['GATE', 'WAITING', 'IN FLIGHT', 'DEAD-LETTERED', 'AGE OF OLDEST', 'DRAINING AT', 'RATE', 'DRAINS IN'],
    backlogs.map((b) => [
      b.gate,
      String(b.waiting),
      String(b.inFlight),
      String(b.deadLettered),
      b.oldestAgeSeconds === null ? '-' : `${b.oldestAgeSeconds} s`,
      b.drainingPerSecond === null ? '-' : perSecond(b.drainingPerSecond),
      `${b.ratePerSecond}/s`,
      `${b.drainSeconds} s`,
    ]),
  );
}
