import type { QueuedMessage } from './message';
import { md5OfAttributes, type MessageAttributeMap } from './message-attributes';

/** What a ReceiveMessage asks to see besides the body (its AttributeNames, MessageSystemAttributeNames, MessageAttributeNames). */
export interface ViewRequest {
  readonly AttributeNames?: readonly string[] | undefined;
  readonly MessageSystemAttributeNames?: readonly string[] | undefined;
  readonly MessageAttributeNames?: readonly string[] | undefined;
}

/**
 * The system attributes a receive can return (ReceiveMessage API, MessageSystemAttributeNames:
 * timestamps in epoch milliseconds). SenderId is the caller's access key id here; on AWS the
 * IAM user or role id. FIFO-only attributes are never present.
 */
function systemAttributes(message: QueuedMessage): Record<string, string | undefined> {
  return {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: message.firstReceivedAt === undefined ? undefined : String(message.firstReceivedAt),
    AWSTraceHeader: message.systemAttributes['AWSTraceHeader']?.StringValue,
    DeadLetterQueueSourceArn: message.deadLetterSourceArn,
  };
}

function pickSystem(message: QueuedMessage, names: readonly string[]): Record<string, string> {
  const all = systemAttributes(message);
  // The deprecated AttributeNames also takes queue attribute names, which are ignored (ReceiveMessage API).
  const wanted = names.includes('All') ? Object.keys(all) : names;
  return Object.fromEntries(wanted.flatMap((name) => (all[name] === undefined ? [] : [[name, all[name]]])));
}

/** MessageAttributeNames: names, `All` or `.*` for every one, `prefix.*` for a prefix (ReceiveMessage API). */
function pickUser(attributes: MessageAttributeMap, names: readonly string[]): MessageAttributeMap {
  const wanted = (name: string) =>
    names.some((n) => n === 'All' || n === '.*' || n === name || (n.endsWith('.*') && name.startsWith(n.slice(0, -1))));
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => wanted(name)));
}

/** A received message as ReceiveMessage answers it; the attributes digest covers the attributes returned. */
export function messageView(request: ViewRequest, message: QueuedMessage, receiptHandle: string) {
  const system = pickSystem(message, [...(request.AttributeNames ?? []), ...(request.MessageSystemAttributeNames ?? [])]);
  const user = pickUser(message.attributes, request.MessageAttributeNames ?? []);
  const md5 = md5OfAttributes(user);
  return {
    MessageId: message.messageId,
    ReceiptHandle: receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(Object.keys(system).length > 0 ? { Attributes: system } : {}),
    ...(md5 !== undefined ? { MD5OfMessageAttributes: md5, MessageAttributes: user } : {}),
  };
}
