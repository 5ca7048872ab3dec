import './polyfill';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

type ErrorClass = new () => Error;

let statesTimeoutClass: Promise<ErrorClass> | undefined;

/**
 * aws-local-stepfunctions' own `States.Timeout` error class, which it does not export. Its
 * retriers and catchers treat `States.TaskFailed` as "any error but States.Timeout" by checking
 * `instanceof` that class ("Handling errors in Step Functions workflows": States.TaskFailed
 * "matches any known error name except for States.Timeout",
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html), so a
 * timeout the sandbox measures itself must be an instance. Found once, by a one-state run whose
 * task never answers within a 1 ms timeout (the library keeps the state's error as the cause).
 */
async function probeStatesTimeoutClass(): Promise<ErrorClass> {
  const definition = {
    StartAt: 'Probe',
    States: { Probe: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe', TimeoutSeconds: 0.001, End: true } },
  };
  const machine = new StateMachine(definition as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });
  const run = machine.run({}, { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise<never>(() => undefined) } } });
  try {
    await run.result;
  } catch (error) {
    const inner: unknown = error instanceof Error ? error.cause : undefined;
    if (inner instanceof Error && inner.name === 'States.Timeout') return inner.constructor as ErrorClass;
  }
  throw new Error('aws-local-stepfunctions did not report States.Timeout for a task past its TimeoutSeconds');
}

/**
 * A task timeout as the library's own: `States.Timeout` (TimeoutSeconds) or
 * `States.HeartbeatTimeout` (HeartbeatSeconds), neither matched by `States.TaskFailed`. A
 * heartbeat timeout was a States.Timeout until Step Functions gave it its own name in 2021, and
 * catchers on States.Timeout still match it (definition.ts; aws/aws-cdk#16084): States.TaskFailed,
 * which never matched it, is taken to match it still. The library reads `message` as the Cause.
 */
export async function statesTimeoutError(name: 'States.Timeout' | 'States.HeartbeatTimeout', cause: string): Promise<Error> {
  statesTimeoutClass ??= probeStatesTimeoutClass();
  const TimeoutClass = await statesTimeoutClass;
  const error = new TimeoutClass();
  error.name = name;
  error.message = cause;
  return error;
}

/** Whether an error is a task timeout (the service writes TaskTimedOut for it, not TaskFailed). */
export function isTaskTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'States.Timeout' || error.name === 'States.HeartbeatTimeout');
}
