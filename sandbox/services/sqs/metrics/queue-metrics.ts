import type { Sample } from '../../../wire/metric-source';
import type { Queue } from '../queue';
import type { QueueStore } from '../queue-store';

export const MINUTE_MS = 60_000;
/** One-minute samples are kept this long (CloudWatch keeps them 15 days; the sandbox needs minutes). */
export const RETENTION_MINUTES = 3 * 60;

/** The counts SQS publishes per minute, as the calls that make them are answered. */
export type CountedMetric = 'NumberOfMessagesSent' | 'NumberOfMessagesDeleted';

interface QueueSeries {
  /** The first minute the queue existed in (its count metrics are 0 from then on). */
  readonly since: number;
  readonly counts: Record<CountedMetric, Map<number, number>>;
  /** Minute start → the age (s) of the oldest message at that minute's end, when there was one. */
  readonly ages: Map<number, number>;
}

const minuteOf = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
const ageSeconds = (ms: number) => Math.floor(ms / 1000);

/**
 * What each queue publishes to CloudWatch, minute by minute, on the sandbox clock: sends and
 * deletes counted as they are answered, and the age of the oldest message sampled at each
 * minute's end. SQS publishes "at one-minute intervals"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/monitoring-using-cloudwatch.html);
 * here the samples of a minute that has ended are taken lazily: `observe(now)` runs before every
 * call that can change a queue, so the queues are then still as they were at every minute's end
 * passed since the last call (a receive that waits moves a message to its dead-letter queue
 * when it takes it, after its own sampling: a minute that ends during that wait sees the move).
 * Unlike CloudWatch's, the values are there at once (no ingestion delay), and a queue counts as
 * active from its creation on (AWS: for six hours after its last activity).
 */
export class QueueMetrics {
  private readonly series = new Map<string, QueueSeries>();
  private observedAt: number | undefined;

  constructor(private readonly queues: Pick<QueueStore, 'list' | 'byQueueName'>) {}

  /** Takes the age samples of every minute that ended since the last call, up to `now`. */
  observe(now: number): void {
    const from = this.observedAt ?? now;
    this.observedAt = now;
    const lastEnd = minuteOf(now);
    const firstEnd = Math.max(minuteOf(from) + MINUTE_MS, lastEnd - (RETENTION_MINUTES - 1) * MINUTE_MS);
    if (firstEnd > lastEnd) return;
    for (const queue of this.queues.list()) {
      const series = this.seriesOf(queue);
      for (let end = firstEnd; end <= lastEnd; end += MINUTE_MS) {
        const oldest = queue.oldestEnqueuedAt(end);
        if (oldest !== undefined) series.ages.set(end - MINUTE_MS, ageSeconds(end - oldest));
      }
      prune(series, lastEnd - RETENTION_MINUTES * MINUTE_MS);
    }
  }

  /** Adds `n` to the queue's count of `metric` in the minute of `now`. */
  count(queue: Queue, metric: CountedMetric, n: number, now: number): void {
    const counts = this.seriesOf(queue).counts[metric];
    const minute = minuteOf(now);
    counts.set(minute, (counts.get(minute) ?? 0) + n);
  }

  /**
   * The queue's samples of a count metric, oldest first: one per minute while the queue exists
   * (0 in a minute without any), the minutes with counts once it is deleted.
   */
  countSamples(queueName: string, metric: CountedMetric, now: number): Sample[] {
    this.observe(now);
    const series = this.series.get(queueName);
    if (!series) return [];
    const counts = series.counts[metric];
    const current = minuteOf(now);
    const first = Math.max(series.since, current - (RETENTION_MINUTES - 1) * MINUTE_MS);
    if (!this.queues.byQueueName(queueName)) {
      const kept = [...counts].filter(([minute]) => minute >= first && minute <= current);
      return kept.map(([minute, value]) => ({ minute, value })).sort((a, b) => a.minute - b.minute);
    }
    const samples: Sample[] = [];
    for (let minute = first; minute <= current; minute += MINUTE_MS) samples.push({ minute, value: counts.get(minute) ?? 0 });
    return samples;
  }

  /**
   * The queue's age samples, oldest first: each past minute's, then the current minute's, taken
   * now. A minute whose end found the queue empty has none ("Reported if the queue contains at
   * least one active message", https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html).
   */
  ageSamples(queueName: string, now: number): Sample[] {
    this.observe(now);
    const current = minuteOf(now);
    const past = [...(this.series.get(queueName)?.ages ?? [])].filter(([minute]) => minute < current && minute >= current - RETENTION_MINUTES * MINUTE_MS);
    const samples = past.map(([minute, value]) => ({ minute, value })).sort((a, b) => a.minute - b.minute);
    const oldest = this.queues.byQueueName(queueName)?.oldestEnqueuedAt(now);
    if (oldest !== undefined) samples.push({ minute: current, value: ageSeconds(now - oldest) });
    return samples;
  }

  private seriesOf(queue: Queue): QueueSeries {
    let series = this.series.get(queue.name);
    if (!series) {
      series = { since: minuteOf(queue.createdAt), counts: { NumberOfMessagesSent: new Map(), NumberOfMessagesDeleted: new Map() }, ages: new Map() };
      this.series.set(queue.name, series);
    }
    return series;
  }
}

/** Drops the samples of minutes before `before`. */
function prune(series: QueueSeries, before: number): void {
  for (const map of [series.ages, series.counts.NumberOfMessagesSent, series.counts.NumberOfMessagesDeleted]) {
    for (const minute of map.keys()) if (minute < before) map.delete(minute);
  }
}
