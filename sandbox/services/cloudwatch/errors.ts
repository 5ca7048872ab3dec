import { asQueryCompatibleError, CORAL_NAMESPACE, FrontEndErrors, QueryCompatibleError, type FaultSide } from '../../wire/query-compatible/error';

/**
 * A CloudWatch error, in CloudWatch's namespace (`com.amazonaws.cloudwatch#InvalidParameterValueException`)
 * unless it is one every service shares. CloudWatch being query-compatible (`awsQueryCompatible`
 * in its service model), AWS JSON 1.0 answers carry the query code and fault side in
 * `x-amzn-query-error` (`InvalidParameterValue;Sender`). Shapes, codes and statuses are the
 * service model's (`error.code`, `httpStatusCode`).
 */
export class CloudWatchError extends QueryCompatibleError {
  constructor(status: number, shape: string, code: string, message: string, side: FaultSide = 'Sender', namespace = 'com.amazonaws.cloudwatch') {
    super(status, shape, code, message, side, namespace);
  }
}

/** The errors the sandbox's CloudWatch answers. */
export const CloudWatchErrors = {
  invalidParameterValue: (message: string) => new CloudWatchError(400, 'InvalidParameterValueException', 'InvalidParameterValue', message),
  invalidParameterCombination: (message: string) => new CloudWatchError(400, 'InvalidParameterCombinationException', 'InvalidParameterCombination', message),
  missingParameter: (parameter: string) => new CloudWatchError(400, 'MissingRequiredParameterException', 'MissingParameter', `The parameter ${parameter} is required.`),
  invalidNextToken: () => new CloudWatchError(400, 'InvalidNextToken', 'InvalidNextToken', 'The service returned an invalid next token: the sandbox issues none.'),
  internalServiceError: (message = 'An internal error occurred (injected fault)') => new CloudWatchError(500, 'InternalServiceFault', 'InternalServiceError', message, 'Receiver'),
  /** Throttling: what an injected `throttle` fault answers ("Rate exceeded", the front end's Throttling). */
  throttling: () => new CloudWatchError(400, 'ThrottlingException', 'Throttling', 'Rate exceeded', 'Sender', CORAL_NAMESPACE),
  /** An operation the sandbox does not serve: JSON's UnknownOperationException, the query protocol's InvalidAction. */
  unknownOperation: (operation: string) => FrontEndErrors.unknownOperation(`The sandbox's CloudWatch serves GetMetricData only, not ${operation}.`),
  accessDenied: () =>
    new CloudWatchError(403, 'AccessDeniedException', 'AccessDenied', 'User is not authorized to perform: cloudwatch:GetMetricData (only the backend credentials are, in the sandbox).', 'Sender', CORAL_NAMESPACE),
};

/** Any error as CloudWatch answers it: its own as they are, a SigV4 refusal with its query code, anything else InternalServiceError. */
export function asCloudWatchError(error: unknown): QueryCompatibleError {
  return asQueryCompatibleError(error, () => CloudWatchErrors.internalServiceError('The request processing has failed because of an unknown error, exception or failure.'));
}
