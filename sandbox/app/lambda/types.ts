export interface FunctionSpec {
  /** Folder under `functions/`. */
  readonly source: string;
  /** The function's environment, as CDK would set it. */
  readonly environment: Record<string, string>;
}

/** An error a handler threw, carrying its `name` like Lambda's `errorType`. */
export class FunctionError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface LambdaRuntime {
  invoke(functionName: string, event: unknown): Promise<unknown>;
  /** Invocations per function so far. */
  readonly invocations: Record<string, number>;
  close(): Promise<void>;
}

