import { AwsServiceError } from '../../wire/http';

/** A Lambda function the sandbox can invoke: takes the trigger event, answers what the function returned. */
export type LambdaFunction = (event: unknown) => Promise<unknown>;

/** Cognito's per-attempt limit for a Lambda trigger; it retries a timed-out call, 3 attempts in all. */
export const TRIGGER_TIMEOUT_MS = 5_000;
const TRIGGER_ATTEMPTS = 3;

/**
 * The Lambda functions a pool's `LambdaConfig` may name, by function ARN: the sandbox's Lambda
 * runtime registers each of its functions, tests register their own. An ARN nobody registered is
 * a function Cognito cannot invoke.
 */
export class FunctionRegistry {
  private readonly functions = new Map<string, LambdaFunction>();

  register(functionArn: string, fn: LambdaFunction): void {
    this.functions.set(functionArn, fn);
  }

  unregister(functionArn: string): void {
    this.functions.delete(functionArn);
  }

  get(functionArn: string): LambdaFunction | undefined {
    return this.functions.get(functionArn);
  }
}

/** How the pools' triggers are invoked; replaceable while the service runs. */
export interface TriggerSettings {
  readonly functions: FunctionRegistry;
  timeoutMs: number;
}

type AttemptOutcome = { kind: 'ok'; result: unknown } | { kind: 'timeout' } | { kind: 'error'; error: unknown };

async function attempt(fn: LambdaFunction, event: unknown, timeoutMs: number): Promise<AttemptOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<AttemptOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
  });
  // Settles either way, so a call that fails after its attempt timed out is not an unhandled rejection.
  const invocation = Promise.resolve()
    .then(() => fn(structuredClone(event)))
    .then(
      (result): AttemptOutcome => ({ kind: 'ok', result }),
      (error: unknown): AttemptOutcome => ({ kind: 'error', error }),
    );
  return Promise.race([invocation, timedOut]).finally(() => clearTimeout(timer));
}

/**
 * Invokes the trigger function `functionArn` with `event` and answers what it returned. A function
 * Cognito cannot invoke fails the call with UnexpectedLambdaException ("PostAuthentication
 * invocation failed due to error AccessDeniedException." is how AWS words a refused invocation; a
 * missing function is Lambda's ResourceNotFoundException). A thrown error fails it with
 * UserLambdaValidationException; a call that outlasts the 5 s limit is retried, and after 3
 * attempts fails the same way.
 */
export async function invokeTrigger(settings: TriggerSettings, trigger: string, functionArn: string, event: unknown): Promise<unknown> {
  const fn = settings.functions.get(functionArn);
  if (!fn) throw new AwsServiceError(400, 'UnexpectedLambdaException', `${trigger} invocation failed due to error ResourceNotFoundException.`);
  const timeoutMs = settings.timeoutMs;
  for (let n = 1; ; n++) {
    const outcome = await attempt(fn, event, timeoutMs);
    if (outcome.kind === 'ok') return outcome.result;
    if (outcome.kind === 'error') {
      const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      throw new AwsServiceError(400, 'UserLambdaValidationException', `${trigger} failed with error ${message}.`);
    }
    if (n >= TRIGGER_ATTEMPTS) {
      throw new AwsServiceError(400, 'UserLambdaValidationException', `${trigger} failed with error Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds.`);
    }
  }
}
