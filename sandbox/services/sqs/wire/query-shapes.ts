/**
 * The query protocol's names for SQS's members, from the service model as the query-protocol SDKs
 * carry it (botocore's sqs/2012-11-05 before SQS moved to JSON: `locationName`, `flattened`).
 * Every SQS list and map is flattened: list items are `<Name>.1`, `<Name>.2` … in a request and
 * repeated `<Name>` elements in an answer; map entries are `<Name>.N.Name` / `<Name>.N.Value`
 * (`Key` for tags) and `<Name><Name>…</Name><Value>…</Value></Name>`. A member named here by a
 * tuple travels under another name than its JSON one (`Attributes` ↔ `Attribute`).
 */
export type QueryShape = 'string' | 'integer' | 'boolean' | ListShape | MapShape | StructShape;
export interface ListShape {
  readonly kind: 'list';
  readonly of: QueryShape;
}
export interface MapShape {
  readonly kind: 'map';
  readonly key: 'Name' | 'Key';
  readonly of: QueryShape;
}
export interface StructShape {
  readonly kind: 'struct';
  /** JSON member name → [query name, shape]. */
  readonly members: Readonly<Record<string, readonly [string, QueryShape]>>;
}

const list = (of: QueryShape): ListShape => ({ kind: 'list', of });
const map = (of: QueryShape, key: 'Name' | 'Key' = 'Name'): MapShape => ({ kind: 'map', key, of });
const isRenamed = (m: QueryShape | readonly [string, QueryShape]): m is readonly [string, QueryShape] => Array.isArray(m);
/** Members given as a shape keep their JSON name on the wire; a tuple renames them. */
const struct = (members: Record<string, QueryShape | readonly [string, QueryShape]>): StructShape => ({
  kind: 'struct',
  members: Object.fromEntries(Object.entries(members).map(([name, m]) => [name, isRenamed(m) ? m : ([name, m] as const)])),
});

const S = 'string';
const attributeValue = struct({ StringValue: S, BinaryValue: S, StringListValues: ['StringListValue', list(S)], BinaryListValues: ['BinaryListValue', list(S)], DataType: S });
const messageAttributes = ['MessageAttribute', map(attributeValue)] as const;
const systemAttributes = ['MessageSystemAttribute', map(attributeValue)] as const;
const queueAttributes = ['Attribute', map(S)] as const;
const sendMembers = { MessageBody: S, DelaySeconds: 'integer', MessageAttributes: messageAttributes, MessageSystemAttributes: systemAttributes, MessageDeduplicationId: S, MessageGroupId: S } as const;
const batchFailures = ['BatchResultErrorEntry', list(struct({ Id: S, SenderFault: 'boolean', Code: S, Message: S }))] as const;
const entryIds = (name: string) => [name, list(struct({ Id: S }))] as const;

/** Request members by operation. */
export const QUERY_INPUTS: Readonly<Record<string, StructShape>> = {
  CreateQueue: struct({ QueueName: S, Attributes: queueAttributes, tags: ['Tag', map(S, 'Key')] }),
  GetQueueUrl: struct({ QueueName: S, QueueOwnerAWSAccountId: S }),
  GetQueueAttributes: struct({ QueueUrl: S, AttributeNames: ['AttributeName', list(S)] }),
  SetQueueAttributes: struct({ QueueUrl: S, Attributes: queueAttributes }),
  DeleteQueue: struct({ QueueUrl: S }),
  PurgeQueue: struct({ QueueUrl: S }),
  ListQueues: struct({ QueueNamePrefix: S, NextToken: S, MaxResults: 'integer' }),
  SendMessage: struct({ QueueUrl: S, ...sendMembers }),
  SendMessageBatch: struct({ QueueUrl: S, Entries: ['SendMessageBatchRequestEntry', list(struct({ Id: S, ...sendMembers }))] }),
  ReceiveMessage: struct({
    QueueUrl: S,
    AttributeNames: ['AttributeName', list(S)],
    MessageSystemAttributeNames: ['MessageSystemAttributeName', list(S)],
    MessageAttributeNames: ['MessageAttributeName', list(S)],
    MaxNumberOfMessages: 'integer',
    VisibilityTimeout: 'integer',
    WaitTimeSeconds: 'integer',
    ReceiveRequestAttemptId: S,
  }),
  DeleteMessage: struct({ QueueUrl: S, ReceiptHandle: S }),
  DeleteMessageBatch: struct({ QueueUrl: S, Entries: ['DeleteMessageBatchRequestEntry', list(struct({ Id: S, ReceiptHandle: S }))] }),
  ChangeMessageVisibility: struct({ QueueUrl: S, ReceiptHandle: S, VisibilityTimeout: 'integer' }),
  ChangeMessageVisibilityBatch: struct({
    QueueUrl: S,
    Entries: ['ChangeMessageVisibilityBatchRequestEntry', list(struct({ Id: S, ReceiptHandle: S, VisibilityTimeout: 'integer' }))],
  }),
};

/** Result members by operation (the `<Operation>Result` element); operations without one answer only ResponseMetadata. */
export const QUERY_OUTPUTS: Readonly<Record<string, StructShape>> = {
  CreateQueue: struct({ QueueUrl: S }),
  GetQueueUrl: struct({ QueueUrl: S }),
  GetQueueAttributes: struct({ Attributes: queueAttributes }),
  ListQueues: struct({ QueueUrls: ['QueueUrl', list(S)], NextToken: S }),
  SendMessage: struct({ MD5OfMessageBody: S, MD5OfMessageAttributes: S, MD5OfMessageSystemAttributes: S, MessageId: S, SequenceNumber: S }),
  SendMessageBatch: struct({
    Successful: ['SendMessageBatchResultEntry', list(struct({ Id: S, MessageId: S, MD5OfMessageBody: S, MD5OfMessageAttributes: S, MD5OfMessageSystemAttributes: S, SequenceNumber: S }))],
    Failed: batchFailures,
  }),
  ReceiveMessage: struct({
    Messages: ['Message', list(struct({ MessageId: S, ReceiptHandle: S, MD5OfBody: S, Body: S, Attributes: queueAttributes, MD5OfMessageAttributes: S, MessageAttributes: messageAttributes }))],
  }),
  DeleteMessageBatch: struct({ Successful: entryIds('DeleteMessageBatchResultEntry'), Failed: batchFailures }),
  ChangeMessageVisibilityBatch: struct({ Successful: entryIds('ChangeMessageVisibilityBatchResultEntry'), Failed: batchFailures }),
};
