import { GetMetricDataCommand, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { GATE_NAMES, type GateName, type QuotaGatesOutput } from '../../functions/shared/gates/gates';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';

const MINUTE_MS = 60_000;
/** How far back the metrics are read: enough for a few complete minutes despite CloudWatch's ingestion delay. */
const WINDOW_MS = 5 * MINUTE_MS;

/** What CloudWatch says of one gate's queue. */
export interface GateQueueMetrics {
  /** ApproximateAgeOfOldestMessage (Maximum), its latest datapoint, in seconds; null without one. */
  readonly oldestAgeSeconds: number | null;
  /** NumberOfMessagesDeleted (Sum) of the latest complete minute, per second: the pace the gate drains at now; null without one. */
  readonly drainingPerSecond: number | null;
}

/** The queue name of a queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`): the `QueueName` dimension. */
const queueNameOf = (queueUrl: string) => new URL(queueUrl).pathname.split('/').pop() ?? '';

/**
 * The two queries of each gate: `AWS/SQS` metrics of one-minute resolution, dimension `QueueName`
 * only ("Available CloudWatch metrics for Amazon SQS",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html;
 * published "at one-minute intervals",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/monitoring-using-cloudwatch.html).
 */
function queriesOf(gates: QuotaGatesOutput): MetricDataQuery[] {
  return GATE_NAMES.flatMap((gate, index) => {
    const Dimensions = [{ Name: 'QueueName', Value: queueNameOf(gates[gate].queueUrl) }];
    return [
      { Id: `age${index}`, MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions }, Period: 60, Stat: 'Maximum' } },
      { Id: `deleted${index}`, MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName: 'NumberOfMessagesDeleted', Dimensions }, Period: 60, Stat: 'Sum' } },
    ];
  });
}

/** A result's datapoints, newest first (whatever order CloudWatch answered in). */
function datapoints(result: MetricDataResult | undefined): Array<{ at: number; value: number }> {
  const values = result?.Values ?? [];
  return (result?.Timestamps ?? []).map((t, i) => ({ at: t.getTime(), value: values[i] ?? 0 })).sort((a, b) => b.at - a.at);
}

/**
 * Every gate's age of oldest message and current drain rate, in one GetMetricData call (two
 * queries per gate) over the last five minutes up to `now` (the service's clock). The rate is the
 * latest complete minute's deletions over 60 s: below the deployed rate when the consumer's
 * adaptive pacer has slowed down, or when there is less to do.
 */
export async function readGateQueueMetrics(cloudwatch: Pick<CloudWatchClient, 'send'>, gates: QuotaGatesOutput, now: number): Promise<Record<GateName, GateQueueMetrics>> {
  const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const out = await cloudwatch.send(
    new GetMetricDataCommand({ MetricDataQueries: queriesOf(gates), StartTime: new Date(minute - WINDOW_MS), EndTime: new Date(minute + MINUTE_MS), ScanBy: 'TimestampDescending' }),
  );
  const byId = new Map((out.MetricDataResults ?? []).map((r) => [r.Id, r]));
  const entries = GATE_NAMES.map((gate, index): [GateName, GateQueueMetrics] => {
    const age = datapoints(byId.get(`age${index}`))[0];
    const complete = datapoints(byId.get(`deleted${index}`)).find((d) => d.at + MINUTE_MS <= now);
    return [gate, { oldestAgeSeconds: age?.value ?? null, drainingPerSecond: complete ? complete.value / 60 : null }];
  });
  return Object.fromEntries(entries) as Record<GateName, GateQueueMetrics>;
}
