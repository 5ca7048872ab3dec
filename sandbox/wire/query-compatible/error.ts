import { AwsServiceError } from '../http';

/** Whose fault an error is: the query protocol's `<Type>`, the second half of JSON's `x-amzn-query-error`. */
export type FaultSide = 'Sender' | 'Receiver';

/** The AWS front end's (Coral's) namespace: that of the errors every service shares (authentication, malformed calls). */
export const CORAL_NAMESPACE = 'com.amazon.coral.service';

/**
 * An error of a query-compatible service (`awsQueryCompatible` in its service model: SQS,
 * CloudWatch), answerable in both protocols it serves. AWS JSON 1.0 names the error shape in
 * `__type` (`com.amazonaws.sqs#QueueDoesNotExist`) and the query protocol's code and fault side in
 * the `x-amzn-query-error` header (`AWS.SimpleQueueService.NonExistentQueue;Sender`), from which
 * the SDKs name the error; the query protocol answers `<ErrorResponse><Error><Type>Sender</Type><Code>…`.
 */
export class QueryCompatibleError extends AwsServiceError {
  constructor(
    status: number,
    /** The error shape (JSON `__type` after the `#`). */
    readonly shape: string,
    /** The query protocol's error code. */
    readonly code: string,
    message: string,
    readonly side: FaultSide = 'Sender',
    /** The shape's namespace: the service's own, or the AWS front end's for errors every service shares. */
    readonly namespace: string = CORAL_NAMESPACE,
    /** The query protocol's wording where it differs from JSON's. */
    readonly queryMessage: string = message,
  ) {
    super(status, shape, message);
  }
}

/** The front end's refusals, alike in every query-compatible service (Common Errors). */
export const FrontEndErrors = {
  missingAction: () => new QueryCompatibleError(400, 'MissingAction', 'MissingAction', 'The request must contain the parameter Action.'),
  notJson: () => new QueryCompatibleError(400, 'SerializationException', 'SerializationException', 'Request body is not a JSON object'),
  /** An operation the service does not serve: JSON's UnknownOperationException, the query protocol's InvalidAction. */
  unknownOperation: (message: string) => new QueryCompatibleError(400, 'UnknownOperationException', 'InvalidAction', message),
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

/**
 * Any error as a query-compatible service answers it: its own errors as they are, a SigV4 refusal
 * with its query code, anything else the service's internal error (`internal`).
 */
export function asQueryCompatibleError(error: unknown, internal: () => QueryCompatibleError): QueryCompatibleError {
  if (error instanceof QueryCompatibleError) return error;
  if (error instanceof AwsServiceError) {
    const code = AUTHENTICATION_CODES[error.type];
    if (code !== undefined) return new QueryCompatibleError(error.status, error.type, code, error.message);
  }
  return internal();
}
