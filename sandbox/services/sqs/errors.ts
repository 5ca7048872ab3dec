import { AwsServiceError } from '../../wire/http';

/** Whose fault an error is: the query protocol's `<Type>`, the second half of JSON's `x-amzn-query-error`. */
export type FaultSide = 'Sender' | 'Receiver';

/**
 * An SQS error, answerable in both of SQS's wire protocols. JSON 1.0 names the error shape in
 * `__type` (`com.amazonaws.sqs#QueueDoesNotExist`) and the query protocol's code in the
 * `x-amzn-query-error` header (`AWS.SimpleQueueService.NonExistentQueue;Sender`)
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html);
 * the query protocol answers `<ErrorResponse><Error><Type>Sender</Type><Code>…</Code>`
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-responses.html).
 * Shape, code and status of each modeled error are the service model's (`awsQueryError` traits).
 */
export class SqsError extends AwsServiceError {
  constructor(
    status: number,
    /** The error shape (JSON `__type` after the `#`). */
    readonly shape: string,
    /** The query protocol's error code. */
    readonly code: string,
    message: string,
    readonly side: FaultSide = 'Sender',
    /** The shape's namespace: SQS's own, or the AWS front end's (`com.amazon.coral.service`) for errors every service shares. */
    readonly namespace = 'com.amazonaws.sqs',
    /** The query protocol's wording where it differs from JSON's. */
    readonly queryMessage: string = message,
  ) {
    super(status, shape, message);
  }
}

const sqs = (status: number, shape: string, code: string, message: string) => new SqsError(status, shape, code, message);
const CORAL = 'com.amazon.coral.service';

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
  invalidAction: (action: string) => new SqsError(400, 'InvalidAction', 'InvalidAction', `The action ${action} is not valid for this endpoint.`, 'Sender', CORAL),
  missingAction: () => new SqsError(400, 'MissingAction', 'MissingAction', 'The request must contain the parameter Action.', 'Sender', CORAL),
  accessDenied: () => new SqsError(403, 'AccessDeniedException', 'AccessDenied', 'Access to the resource https://sqs.us-east-1.amazonaws.com/ is denied.', 'Sender', CORAL),
  /** Throttling (RequestThrottled, 403 in the service model): what an injected `throttle` fault answers. */
  requestThrottled: () => sqs(403, 'RequestThrottled', 'RequestThrottled', 'Rate exceeded'),
  internalFailure: (message = 'The request processing has failed because of an unknown error, exception or failure.') =>
    new SqsError(500, 'InternalFailure', 'InternalFailure', message, 'Receiver', CORAL),
};

/**
 * SigV4 refusals (wire/sigv4.ts) keep their JSON services' `__type` and carry the query protocol's
 * codes of the Common Errors page (InvalidClientTokenId, SignatureDoesNotMatch, …).
 */
const AUTHENTICATION_CODES: Readonly<Record<string, string>> = {
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
  IncompleteSignatureException: 'IncompleteSignature',
  InvalidSignatureException: 'SignatureDoesNotMatch',
  UnrecognizedClientException: 'InvalidClientTokenId',
  ExpiredTokenException: 'ExpiredToken',
};

/** Any error as SQS answers it: its own errors as they are, a SigV4 refusal with its query code, anything else InternalFailure. */
export function asSqsError(error: unknown): SqsError {
  if (error instanceof SqsError) return error;
  if (error instanceof AwsServiceError) {
    const code = AUTHENTICATION_CODES[error.type];
    if (code !== undefined) return new SqsError(error.status, error.type, code, error.message, 'Sender', CORAL);
  }
  return SqsErrors.internalFailure();
}
