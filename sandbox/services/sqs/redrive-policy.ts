import { invalidParameterValue } from './errors';

/** A source queue's dead-letter settings (the `RedrivePolicy` queue attribute). */
export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

const DEFAULT_MAX_RECEIVE_COUNT = 10;

const reject = (value: string, reason: string) => invalidParameterValue('RedrivePolicy', value, reason);

/**
 * Reads a `RedrivePolicy` attribute: a JSON object with `deadLetterTargetArn`, an existing queue's
 * ARN, and `maxReceiveCount` from 1 to 1,000, "Default: 10" (CreateQueue, "RedrivePolicy":
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html;
 * "You must first create a new queue before configuring it as a dead-letter queue",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html).
 * `maxReceiveCount` may come as a number or a numeric string (CloudFormation sends either).
 */
export function parseRedrivePolicy(value: string, queueExists: (arn: string) => boolean): RedrivePolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw reject(value, 'Redrive policy is not a valid JSON map');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw reject(value, 'Redrive policy is not a valid JSON map');
  const { deadLetterTargetArn, maxReceiveCount } = parsed as Record<string, unknown>;
  if (typeof deadLetterTargetArn !== 'string') throw reject(value, 'Redrive policy does not contain mandatory attribute: deadLetterTargetArn');
  const count = receiveCountOf(maxReceiveCount);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw reject(value, `Invalid value for maxReceiveCount: ${String(maxReceiveCount)}, valid values are from 1 to 1000 both inclusive`);
  }
  if (!queueExists(deadLetterTargetArn)) throw reject(value, 'Dead letter target does not exist');
  return { deadLetterTargetArn, maxReceiveCount: count };
}

function receiveCountOf(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_RECEIVE_COUNT;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return typeof value === 'number' ? value : Number.NaN;
}

/** The attribute's value as GetQueueAttributes answers it: the policy as JSON, `maxReceiveCount` a number. */
export function formatRedrivePolicy(policy: RedrivePolicy): string {
  return JSON.stringify({ deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount: policy.maxReceiveCount });
}


