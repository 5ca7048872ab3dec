/**
 * The error a task handler throws into aws-local-stepfunctions. The runtime reads a thrown
 * error's `name` as the ASL error (what `Retry`/`Catch` `ErrorEquals` match) and
 * `error.cause ?? error.message` as the Cause, so this class carries the Step Functions Error in
 * `name`, the Cause text in `message`, and deliberately no `cause` property (an Error object
 * there would become the Cause instead of the text).
 */
export class TaskError extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}
