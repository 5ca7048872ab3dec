import { randomUUID } from 'node:crypto';
import { longPoll } from '../long-poll';
import type { QueuedMessage } from '../message';
import { messageView } from '../message-view';
import type { Queue } from '../queue';
import { encodeReceiptHandle } from '../receipt-handle';
import { moveToDeadLetterQueue, mustRedrive } from '../redrive';
import { inRange, parseSqsRequest } from '../requests';
import type { SqsContext, SqsOperation } from './context';
import { MAX_VISIBILITY_SECONDS } from './messages';

interface Received {
  readonly message: QueuedMessage;
  readonly receiptHandle: string;
}

/**
 * Marks one message received: one more receive, a new receipt, hidden for the visibility timeout
 * ("it becomes temporarily invisible to other consumers for the duration of the visibility timeout").
 */
function receiveOne(queue: Queue, message: QueuedMessage, visibilitySeconds: number, now: number): Received {
  message.receiveCount++;
  message.firstReceivedAt ??= now;
  message.receipt = { id: randomUUID(), at: now };
  queue.hide(message, visibilitySeconds, now);
  return { message, receiptHandle: encodeReceiptHandle({ queueArn: queue.arn, messageId: message.messageId, receiptId: message.receipt.id }) };
}

/** Takes up to `max` receivable messages, moving those past maxReceiveCount to the dead-letter queue on the way. */
function take(ctx: SqsContext, queue: Queue, max: number, visibilitySeconds: number): Received[] {
  const now = ctx.now();
  const policy = queue.redrivePolicy();
  const deadLetterQueue = policy ? ctx.queues.byArn(policy.deadLetterTargetArn) : undefined;
  const taken: Received[] = [];
  for (const message of queue.receivable(now)) {
    if (taken.length === max) break;
    if (policy && deadLetterQueue && mustRedrive(message, policy.maxReceiveCount)) moveToDeadLetterQueue(message, queue, deadLetterQueue, now);
    else taken.push(receiveOne(queue, message, visibilitySeconds, now));
  }
  return taken;
}

/**
 * ReceiveMessage (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html):
 * MaxNumberOfMessages 1 to 10 (default 1), VisibilityTimeout 0 to 43,200 (default the queue's),
 * WaitTimeSeconds 0 to 20 (default the queue's ReceiveMessageWaitTimeSeconds). Unlike AWS's
 * short poll, which samples a subset of servers, every receivable message is a candidate.
 */
export function receiveOperation(ctx: SqsContext): SqsOperation {
  return async (input, call) => {
    const request = parseSqsRequest('ReceiveMessage', input);
    const queue = ctx.queues.byUrl(request.QueueUrl);
    const max = inRange('MaxNumberOfMessages', request.MaxNumberOfMessages, 1, 10, 1);
    const visibility = inRange('VisibilityTimeout', request.VisibilityTimeout, 0, MAX_VISIBILITY_SECONDS, queue.seconds('VisibilityTimeout'));
    const waitSeconds = inRange('WaitTimeSeconds', request.WaitTimeSeconds, 0, 20, queue.seconds('ReceiveMessageWaitTimeSeconds'));
    const received = await longPoll({
      queue,
      waitMs: waitSeconds * 1000,
      now: ctx.now,
      timers: ctx.timers,
      signal: call.signal,
      onWaiting: () => ctx.onPollWaiting(queue),
      take: () => take(ctx, queue, max, visibility),
    });
    return received.length > 0 ? { Messages: received.map(({ message, receiptHandle }) => messageView(request, message, receiptHandle)) } : {};
  };
}
