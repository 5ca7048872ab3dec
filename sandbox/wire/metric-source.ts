/** The units CloudWatch knows (the service model's StandardUnit). */
export const STANDARD_UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits',
  'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second',
  'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
] as const;

export type StandardUnit = (typeof STANDARD_UNITS)[number];

/** One published value: the start of its one-minute period (ms) and the value. */
export interface Sample {
  readonly minute: number;
  readonly value: number;
}

/**
 * A namespace of metrics the sandbox's CloudWatch serves, computed by the emulated service that
 * publishes them (SQS publishes `AWS/SQS`). Values are one-minute samples, one per minute at
 * most: the standard resolution AWS services publish at. It lives in wire/ as the contract
 * between publisher and reader, so that neither service imports the other.
 */
export interface MetricSource {
  readonly namespace: string;
  /** Every metric the source publishes, with its unit. */
  readonly units: Readonly<Record<string, StandardUnit>>;
  /**
   * The samples of `metricName` for exactly these dimensions, oldest first, up to `now` (ms): none
   * when no such metric exists (another set of dimensions, an unknown queue), as CloudWatch
   * answers for a metric nobody published.
   */
  samples(metricName: string, dimensions: Readonly<Record<string, string>>, now: number): readonly Sample[];
}
