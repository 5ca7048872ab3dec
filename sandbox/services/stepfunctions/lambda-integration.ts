import { TaskError } from './task-error';
import { errorMessage } from '../../../functions/shared/aws/error-name';

/** A function bound to a Lambda task: receives the invocation payload, returns the result. */
export type LambdaFunction = (payload: unknown) => Promise<unknown>;

/** Bound functions keyed by the `FunctionName` the ASL passes (name, ARN, or qualified ARN). */
export type LambdaBindings = Readonly<Record<string, LambdaFunction>>;

/** `arn:aws:lambda:r:a:function:name[:qualifier]` → name (and name → name). */
function functionNameOf(functionName: string): string {
  const arn = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(functionName);
  if (arn?.[1]) return arn[1];
  return functionName.split(':')[0] ?? functionName;
}

/**
 * Finds the bound function for a `FunctionName`: exact key first, then the same function named
 * any other way Lambda accepts (name, unqualified ARN, ARN with `:$LATEST` or an alias).
 */
export function resolveLambda(lambdas: LambdaBindings, functionName: string): LambdaFunction | undefined {
  const exact = lambdas[functionName];
  if (exact) return exact;
  const wanted = functionNameOf(functionName);
  for (const [key, fn] of Object.entries(lambdas)) {
    if (functionNameOf(key) === wanted) return fn;
  }
  return undefined;
}

/** Lambda serializes payloads and results as JSON: Dates become strings, undefined disappears. */
function viaJson(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The optimized `arn:aws:states:::lambda:invoke` integration. Its result is the Invoke API
 * response (`Payload`, `StatusCode`, `ExecutedVersion`; "Invoke Lambda with Step Functions"),
 * which is why the ASL selects `$.Payload.…`. A function error surfaces with the error's
 * `errorType` — the thrown error's `name` in the Node.js runtime — as the Step Functions Error,
 * and the runtime's error JSON (`errorType`, `errorMessage`, `trace`) as the Cause.
 */
export async function invokeLambdaTask(lambdas: LambdaBindings, parameters: unknown): Promise<unknown> {
  if (!isRecord(parameters) || typeof parameters.FunctionName !== 'string') {
    throw new TaskError('States.Runtime', 'lambda:invoke requires Parameters.FunctionName (a string)');
  }
  const { FunctionName } = parameters;
  const fn = resolveLambda(lambdas, FunctionName);
  if (!fn) {
    // What Lambda answers for an unknown function (Invoke API: ResourceNotFoundException, 404).
    throw new TaskError(
      'Lambda.ResourceNotFoundException',
      `Function not found: ${FunctionName} (Service: Lambda, Status Code: 404). The sandbox has no function bound to this FunctionName.`,
    );
  }
  let result: unknown;
  try {
    result = await fn(viaJson(parameters.Payload));
  } catch (error) {
    const errorType = error instanceof Error ? error.name : 'Error';
    const trace = error instanceof Error && error.stack ? error.stack.split('\n') : [];
    throw new TaskError(errorType, JSON.stringify({ errorType, errorMessage: errorMessage(error), trace }));
  }
  return { ExecutedVersion: '$LATEST', Payload: viaJson(result), StatusCode: 200 };
}
