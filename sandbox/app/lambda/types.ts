import type { LambdaName } from '../../../functions/handlers';

export interface FunctionSpec {
  /** The function's name in functions/handlers.ts (the one list of handler entries). */
  readonly source: LambdaName;
  /** The function's environment, as CDK would set it. */
  readonly environment: Record<string, string>;
  /** The function's timeout, as CDK sets it: what `getRemainingTimeInMillis` counts down from. Default: the runtime's. */
  readonly timeoutSeconds?: number;
}

/** An error a handler threw, carrying its `name` like Lambda's `errorType`. */
export class FunctionError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface LambdaRuntime {
  /** The names of the functions it runs (their ARNs: app/deploy/names.ts `functionArn`). */
  readonly functionNames: readonly string[];
  invoke(functionName: string, event: unknown): Promise<unknown>;
  /** Invocations per function so far. */
  readonly invocations: Record<string, number>;
  close(): Promise<void>;
}

