import { createHash, randomUUID } from 'node:crypto';
import { SqsErrors } from './errors';
import { attributesSize, checkMessageAttributes, md5OfAttributes, type MessageAttributeMap } from './message-attributes';

/** A message in a queue, from SendMessage until DeleteMessage, PurgeQueue, redrive or expiry. */
export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly attributes: MessageAttributeMap;
  readonly md5OfAttributes: string | undefined;
  readonly systemAttributes: MessageAttributeMap;
  readonly md5OfSystemAttributes: string | undefined;
  /** Enqueue time (ms). Kept when the message moves to a dead-letter queue. */
  readonly sentAt: number;
  /**
   * When it was put in the queue that holds it (ms): `sentAt`, then the time it moved to a
   * dead-letter queue, where the age CloudWatch reports restarts (metrics/sqs-source.ts).
   */
  enqueuedAt: number;
  readonly senderId: string;
  /** When it can next be received: the end of its delay, then of each receive's visibility timeout. */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt: number | undefined;
  /** The latest receive: its receipt id (in the receipt handle) and time. */
  receipt: { readonly id: string; readonly at: number } | undefined;
  /** The source queue's ARN once redriven (the `DeadLetterQueueSourceArn` system attribute). */
  deadLetterSourceArn: string | undefined;
}

export interface NewMessage {
  readonly body: string;
  readonly attributes?: MessageAttributeMap | undefined;
  readonly systemAttributes?: MessageAttributeMap | undefined;
  readonly delaySeconds: number;
  readonly senderId: string;
}

export const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * "#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"; anything else is
 * InvalidMessageContents (SendMessage API,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html).
 */
function checkBodyCharacters(body: string): void {
  for (const char of body) {
    const c = char.codePointAt(0) ?? 0;
    const allowed = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
    if (!allowed) throw SqsErrors.invalidMessageContents(c);
  }
}

/** Body plus attributes, the size SQS holds against the queue's MaximumMessageSize. */
export function messageSize(body: string, attributes: MessageAttributeMap | undefined): number {
  return Buffer.byteLength(body, 'utf8') + attributesSize(attributes ?? {});
}

/**
 * Builds a message as SendMessage stores it: checks the body (at least one character, allowed
 * characters, at most the queue's MaximumMessageSize with its attributes) and the attributes,
 * gives it an id and digests.
 */
export function createMessage(input: NewMessage, maximumSize: number, now: number): QueuedMessage {
  if (input.body.length === 0) throw SqsErrors.missingParameter('MessageBody');
  checkBodyCharacters(input.body);
  const attributes = checkMessageAttributes(input.attributes, 'user');
  const systemAttributes = checkMessageAttributes(input.systemAttributes, 'system');
  if (messageSize(input.body, attributes) > maximumSize) {
    throw SqsErrors.invalidParameterValue(`One or more parameters are invalid. Reason: Message must be shorter than ${maximumSize} bytes.`);
  }
  return {
    messageId: randomUUID(),
    body: input.body,
    md5OfBody: md5Hex(input.body),
    attributes,
    md5OfAttributes: md5OfAttributes(attributes),
    systemAttributes,
    md5OfSystemAttributes: md5OfAttributes(systemAttributes),
    sentAt: now,
    enqueuedAt: now,
    senderId: input.senderId,
    visibleAt: now + input.delaySeconds * 1000,
    receiveCount: 0,
    firstReceivedAt: undefined,
    receipt: undefined,
    deadLetterSourceArn: undefined,
  };
}
