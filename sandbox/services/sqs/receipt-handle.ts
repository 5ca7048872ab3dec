/** What a receipt handle names: one receive of one message of one queue. */
export interface Receipt {
  readonly queueArn: string;
  readonly messageId: string;
  readonly receiptId: string;
}

const SEPARATOR = '\n';

/**
 * An opaque handle, new at every receive ("If you receive the same message more than once, you
 * will get a different ReceiptHandle each time", DeleteMessage API,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html).
 * Standard base64 like AWS's own, so `+` and `/` travel through both protocols' encodings.
 */
export function encodeReceiptHandle(receipt: Receipt): string {
  return Buffer.from([receipt.queueArn, receipt.messageId, receipt.receiptId].join(SEPARATOR), 'utf8').toString('base64');
}

/** The receipt a handle names, or undefined when it is not a handle this sandbox issued. */
export function decodeReceiptHandle(handle: string): Receipt | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(handle)) return undefined;
  const parts = Buffer.from(handle, 'base64').toString('utf8').split(SEPARATOR);
  const [queueArn, messageId, receiptId] = parts;
  if (parts.length !== 3 || !queueArn?.startsWith('arn:aws:sqs:') || !messageId || !receiptId) return undefined;
  return { queueArn, messageId, receiptId };
}
