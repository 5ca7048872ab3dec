import { SqsErrors } from './errors';
import { formatRedrivePolicy, parseRedrivePolicy } from './redrive-policy';

/** A queue's settable attributes, by name, as GetQueueAttributes answers them (strings). */
export type QueueAttributeValues = Readonly<Record<string, string>>;

/**
 * The integer attributes: [minimum, maximum] (CreateQueue, "Attributes":
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html).
 */
const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1_024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

/**
 * A new queue's attributes (the same page's defaults: no delay, 1 MiB, 4 days, short polling,
 * 30 s; SSE-SQS is on for queues created since October 2022).
 */
export const DEFAULT_ATTRIBUTES: QueueAttributeValues = {
  DelaySeconds: '0',
  MaximumMessageSize: '1048576',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};

/** Stored as given: the sandbox neither evaluates queue policies nor encrypts. */
const OPAQUE = new Set(['Policy', 'RedriveAllowPolicy', 'KmsMasterKeyId']);
const FIFO_ONLY = new Set(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);

/** `QueueAttributeName` of the service model: what GetQueueAttributes accepts. */
const READABLE = new Set([
  'All', 'Policy', 'VisibilityTimeout', 'MaximumMessageSize', 'MessageRetentionPeriod', 'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible', 'CreatedTimestamp', 'LastModifiedTimestamp', 'QueueArn', 'ApproximateNumberOfMessagesDelayed',
  'DelaySeconds', 'ReceiveMessageWaitTimeSeconds', 'RedrivePolicy', 'FifoQueue', 'ContentBasedDeduplication', 'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds', 'DeduplicationScope', 'FifoThroughputLimit', 'RedriveAllowPolicy', 'SqsManagedSseEnabled',
]);

/** FIFO queues are not emulated: asking for one is refused rather than silently ignored. */
export const fifoUnsupported = () => SqsErrors.unsupportedOperation('FIFO queues are not supported by the sandbox.');

function normalizeOne(name: string, value: string, queueExists: (arn: string) => boolean): string {
  const range = INTEGER_RANGES[name];
  if (range) {
    if (!/^\d+$/.test(value.trim()) || Number(value) < range[0] || Number(value) > range[1]) throw SqsErrors.invalidAttributeValue(name);
    return String(Number(value));
  }
  if (name === 'RedrivePolicy') return value === '' ? '' : formatRedrivePolicy(parseRedrivePolicy(value, queueExists));
  if (name === 'SqsManagedSseEnabled') {
    if (value !== 'true' && value !== 'false') throw SqsErrors.invalidAttributeValue(name);
    return value;
  }
  if (OPAQUE.has(name)) return value;
  if (FIFO_ONLY.has(name)) throw fifoUnsupported();
  throw SqsErrors.invalidAttributeName(name);
}

/**
 * Checks the attributes a CreateQueue or SetQueueAttributes call gives (unknown name →
 * InvalidAttributeName, value out of range → InvalidAttributeValue, a bad RedrivePolicy →
 * InvalidParameterValue) and returns them as the queue stores them. An empty `RedrivePolicy`
 * stands for "no dead-letter queue".
 */
export function normalizeAttributes(given: Readonly<Record<string, string>>, queueExists: (arn: string) => boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(given).map(([name, value]) => [name, normalizeOne(name, value, queueExists)]));
}

/** What a queue knows besides its settable attributes. */
export interface QueueFacts {
  readonly arn: string;
  readonly createdAt: number;
  readonly lastModifiedAt: number;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

/**
 * GetQueueAttributes' answer for `names` (`All` for every one the queue has); an unknown name
 * is InvalidAttributeName. Timestamps are epoch seconds (GetQueueAttributes API,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html).
 */
export function attributesView(names: readonly string[], stored: QueueAttributeValues, facts: QueueFacts): Record<string, string> {
  const unknown = names.find((name) => !READABLE.has(name));
  if (unknown !== undefined) throw SqsErrors.invalidAttributeName(unknown);
  const all: Record<string, string> = {
    QueueArn: facts.arn,
    ApproximateNumberOfMessages: String(facts.visible),
    ApproximateNumberOfMessagesNotVisible: String(facts.inFlight),
    ApproximateNumberOfMessagesDelayed: String(facts.delayed),
    CreatedTimestamp: String(Math.floor(facts.createdAt / 1000)),
    LastModifiedTimestamp: String(Math.floor(facts.lastModifiedAt / 1000)),
    ...Object.fromEntries(Object.entries(stored).filter(([, value]) => value !== '')),
  };
  const wanted = names.includes('All') ? Object.keys(all) : names;
  return Object.fromEntries(wanted.filter((name) => all[name] !== undefined).map((name) => [name, all[name] ?? '']));
}
