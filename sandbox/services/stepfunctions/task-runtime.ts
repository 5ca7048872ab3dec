import './polyfill';
import type { RunOptions, StateMachine } from 'aws-local-stepfunctions';
import { parseDefinition, taskStates } from './definition';
import { invokeLambdaTask, type LambdaBindings } from './lambda-integration';
import { validateDefinition } from './runner';
import { createSdkTask, type SdkClients } from './sdk-integrations';

export { runDefinition, type RunDefinitionOptions, type RunResult, type RuntimeEvent, type TaskEvent } from './runner';
export type { SdkClients } from './sdk-integrations';
export type { LambdaBindings, LambdaFunction } from './lambda-integration';

/** Task overrides as aws-local-stepfunctions takes them: one function per Task state name. */
export type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

/** A JSON value as aws-local-stepfunctions passes it between states. */
export type JsonValue = Parameters<StateMachine['run']>[0];

export interface TaskBindings {
  /** Functions for `lambda:invoke` tasks, keyed by the `FunctionName` the ASL passes. */
  readonly lambdas: LambdaBindings;
  /** Real SDK v3 clients for `aws-sdk:*` tasks (pointed at the sandbox, `maxAttempts: 1`). */
  readonly sdk: SdkClients;
}

const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke$/;
const AWS_SDK = /^arn:aws[a-z-]*:states:::aws-sdk:/;

/**
 * Binds every Task state of a definition (nested Map/Parallel states included) to a local
 * implementation, keyed by state name as aws-local-stepfunctions expects:
 * - `arn:aws:states:::lambda:invoke` → the bound function, result wrapped as the Invoke response;
 * - `arn:aws:states:::aws-sdk:<service>:<action>` → the real SDK client's command.
 * Throws for a Task the sandbox cannot run (the library would otherwise call real AWS Lambda).
 */
export function createTaskHandlers(definition: unknown, bindings: TaskBindings): TaskHandlers {
  const parsed = parseDefinition(definition);
  // Refused here, like CreateStateMachine refuses it, rather than at the first execution.
  validateDefinition(parsed);
  const handlers: TaskHandlers = {};
  for (const [name, state] of taskStates(parsed)) {
    let run: (parameters: unknown) => Promise<unknown>;
    if (LAMBDA_INVOKE.test(state.Resource)) {
      run = (parameters) => invokeLambdaTask(bindings.lambdas, parameters);
    } else if (AWS_SDK.test(state.Resource)) {
      run = createSdkTask(state.Resource, bindings.sdk);
    } else {
      throw new Error(`Task state '${name}': resource ${state.Resource} is not emulated (lambda:invoke and aws-sdk:* are)`);
    }
    // Both integrations return JSON-safe values (JSON round trip / key-renamed SDK output).
    handlers[name] = async (parameters) => (await run(parameters)) as JsonValue;
  }
  return handlers;
}
