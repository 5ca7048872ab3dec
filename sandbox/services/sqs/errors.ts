import { asQueryCompatibleError, CORAL_NAMESPACE, QueryCompatibleError, type FaultSide } from '../../wire/query-compatible/error';

/**
 * An SQS error, in SQS's namespace (`com.amazonaws.sqs#QueueDoesNotExist`) unless it is one every
 * service shares: JSON 1.0's `__type` and `x-amzn-query-error`
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html),
 * the query protocol's `<ErrorResponse>`
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-responses.html).
 * Shape, code and status of each modeled error are the service model's (`awsQueryError` traits).
 */
export class SqsError extends QueryCompatibleError {
  constructor(status: number, shape: string, code: string, message: string, side: FaultSide = 'Sender', namespace = 'com.amazonaws.sqs', queryMessage = message) {
    super(status, shape, code, message, side, namespace, queryMessage);
  }
}

const sqs = (status: number, shape: string, code: string, message: string) => new SqsError(status, shape, code, message);

/**
 * "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if
 * provided." — SQS's wording for a parameter out of range (as AWS answers ReceiveMessage).
 */
export function invalidParameterValue(parameter: string, value: unknown, reason: string): SqsError {
  return SqsErrors.invalidParameterValue(`Value ${String(value)} for parameter ${parameter} is invalid. Reason: ${reason}.`);
}

/** The errors the sandbox's SQS answers (service model shapes; Common Errors for the unmodeled codes). */
export const SqsErrors = {
  queueDoesNotExist: () =>
    new SqsError(400, 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.', 'Sender', undefined, 'The specified queue does not exist for this wsdl version.'),
  /** CreateQueue with an existing name and different attribute values (QueueNameExists, code QueueAlreadyExists). */
  queueNameExists: (attribute: string) => sqs(400, 'QueueNameExists', 'QueueAlreadyExists', `A queue already exists with the same name and a different value for attribute ${attribute}`),
  queueDeletedRecently: () =>
    sqs(400, 'QueueDeletedRecently', 'AWS.SimpleQueueService.QueueDeletedRecently', 'You must wait 60 seconds after deleting a queue before you can create another queue with the same name.'),
  receiptHandleIsInvalid: (handle: string) => sqs(404, 'ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`),
  messageNotInflight: () => sqs(400, 'MessageNotInflight', 'AWS.SimpleQueueService.MessageNotInflight', 'Message not inflight.'),
  invalidParameterValue: (message: string) => sqs(400, 'InvalidParameterValue', 'InvalidParameterValue', message),
  missingParameter: (parameter: string) => sqs(400, 'MissingParameter', 'MissingParameter', `The request must contain the parameter ${parameter}.`),
  invalidAttributeName: (name: string) => sqs(400, 'InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${name}.`),
  invalidAttributeValue: (name: string) => sqs(400, 'InvalidAttributeValue', 'InvalidAttributeValue', `Invalid value for the parameter ${name}.`),
  invalidMessageContents: (codePoint: number) =>
    sqs(400, 'InvalidMessageContents', 'InvalidMessageContents', `Invalid binary character '#x${codePoint.toString(16).toUpperCase()}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`),
  tooManyEntriesInBatchRequest: (count: number) =>
    sqs(400, 'TooManyEntriesInBatchRequest', 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${count}.`),
  emptyBatchRequest: (entry: string) => sqs(400, 'EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest', `There should be at least one ${entry} in the request.`),
  batchEntryIdsNotDistinct: (id: string) => sqs(400, 'BatchEntryIdsNotDistinct', 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', `Id ${id} repeated.`),
  invalidBatchEntryId: () =>
    sqs(400, 'InvalidBatchEntryId', 'AWS.SimpleQueueService.InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.'),
  batchRequestTooLong: (limit: number, length: number) =>
    sqs(400, 'BatchRequestTooLong', 'AWS.SimpleQueueService.BatchRequestTooLong', `Batch requests cannot be longer than ${limit} bytes. You have sent ${length} bytes.`),
  purgeQueueInProgress: (queueName: string) =>
    sqs(403, 'PurgeQueueInProgress', 'AWS.SimpleQueueService.PurgeQueueInProgress', `Only one PurgeQueue operation on ${queueName} is allowed every 60 seconds.`),
  unsupportedOperation: (message: string) => sqs(400, 'UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', message),
  /** A QueueUrl that is not a queue URL at all (InvalidAddress, 404 in the service model). */
  invalidAddress: (address: string) => sqs(404, 'InvalidAddress', 'InvalidAddress', `The address ${address} is not valid for this endpoint.`),
  // Common Errors (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html).
  invalidAction: (action: string) => new SqsError(400, 'InvalidAction', 'InvalidAction', `The action ${action} is not valid for this endpoint.`, 'Sender', CORAL_NAMESPACE),
  accessDenied: () => new SqsError(403, 'AccessDeniedException', 'AccessDenied', 'Access to the resource https://sqs.us-east-1.amazonaws.com/ is denied.', 'Sender', CORAL_NAMESPACE),
  /** Throttling (RequestThrottled, 403 in the service model): what an injected `throttle` fault answers. */
  requestThrottled: () => sqs(403, 'RequestThrottled', 'RequestThrottled', 'Rate exceeded'),
  internalFailure: (message = 'The request processing has failed because of an unknown error, exception or failure.') =>
    new SqsError(500, 'InternalFailure', 'InternalFailure', message, 'Receiver', CORAL_NAMESPACE),
};

/** Any error as SQS answers it: its own errors as they are, a SigV4 refusal with its query code, anything else InternalFailure. */
export function asSqsError(error: unknown): QueryCompatibleError {
  return asQueryCompatibleError(error, () => SqsErrors.internalFailure());
}
