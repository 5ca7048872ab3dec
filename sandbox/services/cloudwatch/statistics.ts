/**
 * The statistics the sandbox computes over a period's samples: those every AWS/SQS metric lists
 * as valid ("Average, Minimum, Maximum, Sum, Data Samples",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html);
 * the API names Data Samples `SampleCount` ("Statistics",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Statistic).
 * Percentiles, trimmed means and the other extended statistics are not computed.
 */
export const STATISTICS = {
  Maximum: (values: readonly number[]) => Math.max(...values),
  Minimum: (values: readonly number[]) => Math.min(...values),
  Sum: (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0),
  Average: (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length,
  SampleCount: (values: readonly number[]) => values.length,
} as const satisfies Record<string, (values: readonly number[]) => number>;

export type Statistic = keyof typeof STATISTICS;

export function isStatistic(name: string): name is Statistic {
  return Object.hasOwn(STATISTICS, name);
}
