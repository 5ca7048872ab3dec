import { AwsServiceError } from '../../wire/http';

export type FaultSide = 'Sender' | 'Receiver';

/**
 * A CloudWatch error, answerable in both protocols the sandbox serves. AWS JSON 1.0 names the
 * shape in `__type` (`com.amazonaws.cloudwatch#InvalidParameterValueException`) and, CloudWatch
 * being query-compatible (`awsQueryCompatible` in its service model), the query code and fault
 * side in `x-amzn-query-error` (`InvalidParameterValue;Sender`), from which the SDKs name the
 * error; the query protocol answers `<ErrorResponse><Error><Type>Sender</Type><Code>…`.
 * Shapes, codes and statuses are the service model's (`error.code`, `httpStatusCode`).
 */
export class CloudWatchError extends AwsServiceError {
  constructor(
    status: number,
    /** The error shape (JSON `__type` after the `#`). */
    readonly shape: string,
    /** The query protocol's error code. */
    readonly code: string,
    message: string,
    readonly side: FaultSide = 'Sender',
    /** CloudWatch's own shapes, or the AWS front end's (`com.amazon.coral.service`) for errors every service shares. */
    readonly namespace = 'com.amazonaws.cloudwatch',
  ) {
    super(status, shape, message);
  }
}

const CORAL = 'com.amazon.coral.service';

/** The errors the sandbox's CloudWatch answers. */
export const CloudWatchErrors = {
  invalidParameterValue: (message: string) => new CloudWatchError(400, 'InvalidParameterValueException', 'InvalidParameterValue', message),
  invalidParameterCombination: (message: string) => new CloudWatchError(400, 'InvalidParameterCombinationException', 'InvalidParameterCombination', message),
  missingParameter: (parameter: string) => new CloudWatchError(400, 'MissingRequiredParameterException', 'MissingParameter', `The parameter ${parameter} is required.`),
  invalidNextToken: () => new CloudWatchError(400, 'InvalidNextToken', 'InvalidNextToken', 'The service returned an invalid next token: the sandbox issues none.'),
  internalServiceError: (message = 'An internal error occurred (injected fault)') => new CloudWatchError(500, 'InternalServiceFault', 'InternalServiceError', message, 'Receiver'),
  /** Throttling: what an injected `throttle` fault answers ("Rate exceeded", the front end's Throttling). */
  throttling: () => new CloudWatchError(400, 'ThrottlingException', 'Throttling', 'Rate exceeded', 'Sender', CORAL),
  /** An operation the sandbox does not serve: JSON's UnknownOperationException, the query protocol's InvalidAction. */
  unknownOperation: (operation: string) =>
    new CloudWatchError(400, 'UnknownOperationException', 'InvalidAction', `The sandbox's CloudWatch serves GetMetricData only, not ${operation}.`, 'Sender', CORAL),
  missingAction: () => new CloudWatchError(400, 'MissingAction', 'MissingAction', 'The request must contain the parameter Action.', 'Sender', CORAL),
  accessDenied: () =>
    new CloudWatchError(403, 'AccessDeniedException', 'AccessDenied', 'User is not authorized to perform: cloudwatch:GetMetricData (only the backend credentials are, in the sandbox).', 'Sender', CORAL),
};

/** SigV4 refusals (wire/sigv4.ts) keep their `__type` and carry the query codes of the Common Errors page. */
const AUTHENTICATION_CODES: Readonly<Record<string, string>> = {
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
  IncompleteSignatureException: 'IncompleteSignature',
  InvalidSignatureException: 'SignatureDoesNotMatch',
  UnrecognizedClientException: 'InvalidClientTokenId',
  ExpiredTokenException: 'ExpiredToken',
};

/** Any error as CloudWatch answers it: its own as they are, a SigV4 refusal with its query code, anything else InternalServiceError. */
export function asCloudWatchError(error: unknown): CloudWatchError {
  if (error instanceof CloudWatchError) return error;
  if (error instanceof AwsServiceError) {
    const code = AUTHENTICATION_CODES[error.type];
    if (code !== undefined) return new CloudWatchError(error.status, error.type, code, error.message, 'Sender', CORAL);
  }
  return new CloudWatchError(500, 'InternalServiceFault', 'InternalServiceError', 'The request processing has failed because of an unknown error, exception or failure.', 'Receiver');
}
