import { createHash } from 'node:crypto';
import { SqsErrors } from './errors';

/** One message attribute as SendMessage takes it and ReceiveMessage answers it (binary values base64). */
export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

export type MessageAttributeMap = Readonly<Record<string, MessageAttributeValue>>;

/** "Each message can have up to 10 attributes" (message metadata page, below). */
const MAX_ATTRIBUTES = 10;
/** A–Z a–z 0–9 _ - ., up to 256, no leading, trailing or doubled period. */
const NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/;
const RESERVED = /^(aws|amazon)\./i;
const TYPES = ['Binary', 'Number', 'String'];

const invalid = (message: string) => SqsErrors.invalidParameterValue(message);

function checkAttribute(name: string, value: MessageAttributeValue, kind: 'user' | 'system'): void {
  if (!NAME.test(name) || (kind === 'user' && RESERVED.test(name))) throw invalid(`Message (${kind}) attribute name '${name}' is invalid.`);
  const type = value.DataType.split('.')[0] ?? '';
  if (!TYPES.includes(type) || value.DataType.length > 256) {
    throw invalid(`The type of message (${kind}) attribute '${name}' is invalid. You must use only the following supported type prefixes: ${TYPES.join(', ')}.`);
  }
  const present = type === 'Binary' ? value.BinaryValue : value.StringValue;
  if (present === undefined || present === '') {
    throw invalid(`Message (${kind}) attribute '${name}' must contain a non-empty message attribute value for message attribute type '${type}'.`);
  }
  if (type === 'Number' && !Number.isFinite(Number(value.StringValue))) throw invalid(`Can't cast the value of message (${kind}) attribute '${name}' to a number.`);
}

/**
 * Checks message attributes against the rules of "Message metadata for Amazon SQS"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html):
 * at most 10; names of letters, digits, `_`, `-`, `.`, no `AWS.`/`Amazon.` prefix; types String,
 * Number or Binary with an optional `.custom` suffix; a non-empty value. System attributes:
 * only `AWSTraceHeader`, a String (SendMessage, `MessageSystemAttributes`). Returns the attributes
 * as stored (only the members a type uses).
 */
export function checkMessageAttributes(attributes: MessageAttributeMap | undefined, kind: 'user' | 'system'): MessageAttributeMap {
  const entries = Object.entries(attributes ?? {});
  if (entries.length > MAX_ATTRIBUTES) throw invalid(`Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`);
  for (const [name, value] of entries) {
    if (kind === 'system' && (name !== 'AWSTraceHeader' || value.DataType !== 'String')) throw invalid(`Message system attribute name '${name}' is invalid.`);
    checkAttribute(name, value, kind);
  }
  return Object.fromEntries(
    entries.map(([name, { DataType, StringValue, BinaryValue }]) => [name, DataType.startsWith('Binary') ? { DataType, BinaryValue } : { DataType, StringValue }]),
  );
}

function valueBytes(value: MessageAttributeValue): Buffer {
  return value.DataType.startsWith('Binary') ? Buffer.from(value.BinaryValue ?? '', 'base64') : Buffer.from(value.StringValue ?? '', 'utf8');
}

/** Bytes the attributes add to the message's size: "All components of a message attribute are included in the 1 MiB message size restriction." */
export function attributesSize(attributes: MessageAttributeMap): number {
  return Object.entries(attributes).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value.DataType) + valueBytes(value).length, 0);
}

const lengthPrefixed = (bytes: Buffer): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};

/**
 * MD5OfMessageAttributes, as "Calculating the MD5 message digest for message attributes" of the
 * page above defines it: attributes sorted by name; each as its name, its data type (both
 * 4-byte big-endian length + UTF-8), one transport byte (1 String/Number, 2 Binary), then its value
 * (length + bytes); MD5 of the whole, hex. Undefined without attributes.
 */
export function md5OfAttributes(attributes: MessageAttributeMap): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const parts = names.flatMap((name) => {
    const value = attributes[name] as MessageAttributeValue;
    const transport = Buffer.from([value.DataType.startsWith('Binary') ? 2 : 1]);
    return [lengthPrefixed(Buffer.from(name, 'utf8')), lengthPrefixed(Buffer.from(value.DataType, 'utf8')), transport, lengthPrefixed(valueBytes(value))];
  });
  return createHash('md5').update(Buffer.concat(parts)).digest('hex');
}
