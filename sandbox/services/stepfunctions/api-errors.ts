import { AwsServiceError } from '../../wire/http';

/**
 * The Step Functions API's errors (API reference, each operation's Errors section). All are
 * HTTP 400 client errors, answered in the JSON 1.0 protocol's `__type`.
 */
export const SfnErrors = {
  executionDoesNotExist: (arn: string) => new AwsServiceError(400, 'ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`),
  executionAlreadyExists: (arn: string) => new AwsServiceError(400, 'ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`),
  executionNotRedrivable: (reason: string) => new AwsServiceError(400, 'ExecutionNotRedrivable', reason),
  stateMachineDoesNotExist: (arn: string) => new AwsServiceError(400, 'StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`),
  invalidArn: (arn: string) => new AwsServiceError(400, 'InvalidArn', `Invalid Arn: '${arn}'`),
  invalidName: (name: string, reason: string) => new AwsServiceError(400, 'InvalidName', `Invalid Name: '${name}' (${reason})`),
  invalidExecutionInput: (reason: string) => new AwsServiceError(400, 'InvalidExecutionInput', `Invalid State Machine Execution Input: '${reason}'`),
  invalidToken: () => new AwsServiceError(400, 'InvalidToken', 'Invalid Token'),
  // SendTaskSuccess/SendTaskFailure/SendTaskHeartbeat: "The task token has either expired or the
  // task associated with the token has already been closed" (API reference, Errors).
  taskTimedOut: () => new AwsServiceError(400, 'TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'"),
  // SendTaskSuccess: "The provided JSON output data is not valid" (API reference, Errors).
  invalidOutput: (reason: string) => new AwsServiceError(400, 'InvalidOutput', `Invalid Output: '${reason}'`),
  validation: (message: string) => new AwsServiceError(400, 'ValidationException', message),
  unknownOperation: (target: string) => new AwsServiceError(400, 'UnknownOperationException', `Unknown operation ${target}`),
  throttling: () => new AwsServiceError(400, 'ThrottlingException', 'Rate exceeded'),
  internal: () => new AwsServiceError(500, 'InternalFailure', 'The request processing has failed because of an unknown error'),
} as const;
