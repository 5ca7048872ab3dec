import type { MetricSource } from '../../../wire/metric-source';
import type { QueueMetrics } from './queue-metrics';

/**
 * The `AWS/SQS` metrics the sandbox publishes, with their units, out of those of
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html.
 */
export const SQS_METRIC_UNITS = {
  ApproximateAgeOfOldestMessage: 'Seconds',
  NumberOfMessagesDeleted: 'Count',
  NumberOfMessagesSent: 'Count',
} as const;

/**
 * The queues' metrics as CloudWatch serves them: namespace `AWS/SQS`, one dimension, `QueueName`
 * ("The only dimension that Amazon SQS sends to CloudWatch is QueueName", same page). A query
 * with other dimensions names no metric. Differences from AWS: the age is that of the oldest
 * message the queue holds (delayed and in-flight ones included); AWS leaves out messages
 * received three times or more and not deleted ("poison-pill" messages).
 */
export function sqsMetricSource(metrics: QueueMetrics): MetricSource {
  return {
    namespace: 'AWS/SQS',
    units: SQS_METRIC_UNITS,
    samples(metricName, dimensions, now) {
      const names = Object.keys(dimensions);
      const queueName = dimensions['QueueName'];
      if (names.length !== 1 || queueName === undefined) return [];
      switch (metricName) {
        case 'ApproximateAgeOfOldestMessage':
          return metrics.ageSamples(queueName, now);
        case 'NumberOfMessagesDeleted':
        case 'NumberOfMessagesSent':
          return metrics.countSamples(queueName, metricName, now);
        default:
          return [];
      }
    },
  };
}
