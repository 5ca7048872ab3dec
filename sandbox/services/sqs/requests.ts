import * as z from 'zod/mini';
import { validationMessage, valueAt } from '../../wire/validation';
import { invalidParameterValue, SqsErrors } from './errors';

/**
 * The members of each SQS request, as the service model shapes them (JSON 1.0 members; the
 * query front decodes its form parameters into the same objects). Ranges are checked by the
 * operations, in SQS's own words.
 */
const text = z.optional(z.string());
const integer = z.optional(z.int());
const names = z.optional(z.array(z.string()));
const attributeValue = z.object({
  DataType: z.string(),
  StringValue: text,
  BinaryValue: text,
  StringListValues: names,
  BinaryListValues: names,
});
const messageAttributes = z.optional(z.record(z.string(), attributeValue));
const queueUrl = { QueueUrl: z.string() };
const messageMembers = {
  MessageBody: z.string(),
  DelaySeconds: integer,
  MessageAttributes: messageAttributes,
  MessageSystemAttributes: messageAttributes,
  MessageDeduplicationId: text,
  MessageGroupId: text,
};
const sendEntry = z.object({ Id: z.string(), ...messageMembers });

export const SqsRequests = {
  CreateQueue: z.object({ QueueName: z.string(), Attributes: z.optional(z.record(z.string(), z.string())), tags: z.optional(z.record(z.string(), z.string())) }),
  GetQueueUrl: z.object({ QueueName: z.string(), QueueOwnerAWSAccountId: text }),
  GetQueueAttributes: z.object({ ...queueUrl, AttributeNames: names }),
  SetQueueAttributes: z.object({ ...queueUrl, Attributes: z.record(z.string(), z.string()) }),
  DeleteQueue: z.object(queueUrl),
  PurgeQueue: z.object(queueUrl),
  ListQueues: z.object({ QueueNamePrefix: text, NextToken: text, MaxResults: integer }),
  SendMessage: z.object({ ...queueUrl, ...messageMembers }),
  SendMessageBatch: z.object({ ...queueUrl, Entries: z.array(sendEntry) }),
  ReceiveMessage: z.object({
    ...queueUrl,
    AttributeNames: names,
    MessageSystemAttributeNames: names,
    MessageAttributeNames: names,
    MaxNumberOfMessages: integer,
    VisibilityTimeout: integer,
    WaitTimeSeconds: integer,
    ReceiveRequestAttemptId: text,
  }),
  DeleteMessage: z.object({ ...queueUrl, ReceiptHandle: z.string() }),
  DeleteMessageBatch: z.object({ ...queueUrl, Entries: z.array(z.object({ Id: z.string(), ReceiptHandle: z.string() })) }),
  ChangeMessageVisibility: z.object({ ...queueUrl, ReceiptHandle: z.string(), VisibilityTimeout: z.int() }),
  ChangeMessageVisibilityBatch: z.object({ ...queueUrl, Entries: z.array(z.object({ Id: z.string(), ReceiptHandle: z.string(), VisibilityTimeout: integer })) }),
};

export type SqsRequest<K extends keyof typeof SqsRequests> = z.infer<(typeof SqsRequests)[K]>;

/**
 * Reads a request: a required member that is absent is MissingParameter ("The request must
 * contain the parameter QueueUrl.", Common Errors); a member of the wrong type is
 * InvalidParameterValue with the AWS validation wording of wire/validation.ts.
 */
export function parseSqsRequest<K extends keyof typeof SqsRequests>(operation: K, input: unknown): SqsRequest<K> {
  const parsed = SqsRequests[operation].safeParse(input);
  if (parsed.success) return parsed.data as SqsRequest<K>;
  const missing = parsed.error.issues.find((issue) => issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined);
  if (missing) throw SqsErrors.missingParameter(missing.path.map((key) => (typeof key === 'number' ? key + 1 : String(key))).join('.'));
  throw SqsErrors.invalidParameterValue(validationMessage(parsed.error.issues, input));
}

/** An optional integer parameter within [min, max]: "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided." */
export function inRange(parameter: string, value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (value < min || value > max) throw invalidParameterValue(parameter, value, `Must be between ${min} and ${max}, if provided`);
  return value;
}
