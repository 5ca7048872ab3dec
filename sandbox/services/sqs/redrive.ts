import type { QueuedMessage } from './message';
import type { Queue } from './queue';

/**
 * Whether a receive must move `message` to the dead-letter queue instead of returning it: "When
 * the ReceiveCount for a message exceeds the maxReceiveCount for a queue, Amazon SQS moves the
 * message to the dead-letter-queue" (CreateQueue API, RedrivePolicy), that is on the receive that
 * would have been its (maxReceiveCount + 1)th.
 */
export function mustRedrive(message: QueuedMessage, maxReceiveCount: number): boolean {
  return message.receiveCount >= maxReceiveCount;
}

/**
 * Moves a message to its source queue's dead-letter queue. Its id, body, attributes, enqueue time
 * ("When a message is moved to a dead-letter queue, the enqueue timestamp is unchanged",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html)
 * and receive count ("the number of times a message has been received across all queues",
 * ReceiveMessage API, ApproximateReceiveCount) go with it; it is receivable there at once and
 * names its source (the DeadLetterQueueSourceArn system attribute).
 */
export function moveToDeadLetterQueue(message: QueuedMessage, source: Queue, deadLetterQueue: Queue, now: number): void {
  source.remove(message.messageId);
  message.receipt = undefined;
  message.visibleAt = now;
  message.deadLetterSourceArn = source.arn;
  deadLetterQueue.enqueue(message, now);
}
