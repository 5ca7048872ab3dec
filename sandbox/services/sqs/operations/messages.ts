import { invalidParameterValue, SqsErrors } from '../errors';
import { createMessage } from '../message';
import type { MessageAttributeMap } from '../message-attributes';
import type { Queue } from '../queue';
import { decodeReceiptHandle } from '../receipt-handle';
import { inRange, parseSqsRequest, type SqsRequest } from '../requests';
import type { SqsContext, SqsOperation } from './context';

/** "Values range: 0 to 43200. Maximum: 12 hours" (ChangeMessageVisibility API). */
export const MAX_VISIBILITY_SECONDS = 43_200;

type MessageInput = Omit<SqsRequest<'SendMessage'>, 'QueueUrl'>;

/**
 * Sends one message (SendMessage, and each SendMessageBatch entry): DelaySeconds 0 to 900, the
 * queue's by default (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html).
 * MessageDeduplicationId belongs to FIFO queues only; MessageGroupId is accepted (fair queues) and
 * changes nothing here.
 */
export function sendTo(queue: Queue, input: MessageInput, senderId: string, now: number) {
  if (input.MessageDeduplicationId !== undefined) throw SqsErrors.invalidParameterValue('The request include parameter that is not valid for this queue type');
  const delaySeconds = inRange('DelaySeconds', input.DelaySeconds, 0, 900, queue.seconds('DelaySeconds'));
  const message = createMessage(
    { body: input.MessageBody, attributes: input.MessageAttributes as MessageAttributeMap | undefined, systemAttributes: input.MessageSystemAttributes as MessageAttributeMap | undefined, delaySeconds, senderId },
    queue.seconds('MaximumMessageSize'),
    now,
  );
  queue.enqueue(message, now);
  return {
    MessageId: message.messageId,
    MD5OfMessageBody: message.md5OfBody,
    ...(message.md5OfAttributes !== undefined ? { MD5OfMessageAttributes: message.md5OfAttributes } : {}),
    ...(message.md5OfSystemAttributes !== undefined ? { MD5OfMessageSystemAttributes: message.md5OfSystemAttributes } : {}),
  };
}

/** A handle this queue issued, or ReceiptHandleIsInvalid. */
function receiptFor(queue: Queue, handle: string) {
  const receipt = decodeReceiptHandle(handle);
  if (!receipt || receipt.queueArn !== queue.arn) throw SqsErrors.receiptHandleIsInvalid(handle);
  return receipt;
}

/**
 * DeleteMessage (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html):
 * deletes with the handle of the latest receive, even once its visibility timeout is over. "If
 * you use an old ReceiptHandle, the request will succeed, but the message might not be
 * deleted": here it never is. A message already gone is a success too.
 */
export function deleteWith(queue: Queue, handle: string): void {
  const message = queue.current(receiptFor(queue, handle));
  if (message) queue.remove(message.messageId);
}

/**
 * ChangeMessageVisibility (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html):
 * the new timeout counts from now; 0 makes the message receivable at once. The message must be
 * in flight under this receipt (MessageNotInflight), and the total stays within 12 hours of the
 * receive ("If you attempt to set the VisibilityTimeout to a value greater than the maximum time
 * left, Amazon SQS returns an error").
 */
export function changeVisibilityWith(queue: Queue, handle: string, seconds: number | undefined, now: number): void {
  const receipt = receiptFor(queue, handle);
  if (seconds === undefined) throw SqsErrors.missingParameter('VisibilityTimeout');
  const timeout = inRange('VisibilityTimeout', seconds, 0, MAX_VISIBILITY_SECONDS, 0);
  if (!queue.has(receipt.messageId)) throw invalidParameterValue('ReceiptHandle', handle, 'Message does not exist or is not available for visibility timeout change');
  const message = queue.current(receipt);
  if (!message?.receipt || message.visibleAt <= now) throw SqsErrors.messageNotInflight();
  if (now + timeout * 1000 > message.receipt.at + MAX_VISIBILITY_SECONDS * 1000) {
    throw invalidParameterValue('VisibilityTimeout', timeout, `Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_SECONDS} seconds]`);
  }
  queue.hide(message, timeout, now);
}

/** SendMessage, DeleteMessage, ChangeMessageVisibility. */
export function messageOperations({ queues, now }: SqsContext): Record<string, SqsOperation> {
  return {
    SendMessage: (input, call) => {
      const { QueueUrl, ...message } = parseSqsRequest('SendMessage', input);
      return sendTo(queues.byUrl(QueueUrl), message, call.callerId, now());
    },
    DeleteMessage: (input) => {
      const { QueueUrl, ReceiptHandle } = parseSqsRequest('DeleteMessage', input);
      deleteWith(queues.byUrl(QueueUrl), ReceiptHandle);
      return {};
    },
    ChangeMessageVisibility: (input) => {
      const { QueueUrl, ReceiptHandle, VisibilityTimeout } = parseSqsRequest('ChangeMessageVisibility', input);
      changeVisibilityWith(queues.byUrl(QueueUrl), ReceiptHandle, VisibilityTimeout, now());
      return {};
    },
  };
}
