import './polyfill';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RunOptions, StateMachine } from 'aws-local-stepfunctions';
import { isCallbackResource, parseDefinition, taskStates, type AslState } from './definition';
import { invokeLambdaTask, type LambdaBindings } from './lambda-integration';
import { validateDefinition } from './runner';
import { createSdkTask, type SdkClients } from './sdk-integrations';
import { checkSqsParameters, sendMessageTask } from './sqs-integration';

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
  /**
   * A real SDK v3 SQS client for `sqs:sendMessage` tasks, pointed at the SQS endpoint the sandbox
   * configures (an explicit `endpoint`, so the QueueUrl's host is not used), `maxAttempts: 1`.
   */
  readonly sqs?: SQSClient;
}

const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke(\.waitForTaskToken)?$/;
const SQS_SEND_MESSAGE = /^arn:aws[a-z-]*:states:::sqs:sendMessage(\.waitForTaskToken)?$/;
const AWS_SDK = /^arn:aws[a-z-]*:states:::aws-sdk:/;

type TaskCall = (parameters: unknown) => Promise<unknown>;

/** The call behind one Task state; throws for a Task the sandbox cannot run. */
function taskCall(name: string, state: AslState & { readonly Resource: string }, bindings: TaskBindings): TaskCall {
  if (isCallbackResource(state.Resource) && state.HeartbeatSecondsPath !== undefined) {
    throw new Error(`Task state '${name}': HeartbeatSecondsPath is not emulated on callback tasks (HeartbeatSeconds is)`);
  }
  if (LAMBDA_INVOKE.test(state.Resource)) return (parameters) => invokeLambdaTask(bindings.lambdas, parameters);
  if (SQS_SEND_MESSAGE.test(state.Resource)) {
    const { sqs } = bindings;
    if (!sqs) throw new Error(`Task state '${name}': ${state.Resource} needs an SQS client: pass sqs`);
    checkSqsParameters(name, state.Parameters);
    return (parameters) => sendMessageTask(sqs, parameters);
  }
  if (AWS_SDK.test(state.Resource)) return createSdkTask(state.Resource, bindings.sdk);
  throw new Error(
    `Task state '${name}': resource ${state.Resource} is not emulated (lambda:invoke, sqs:sendMessage, each also .waitForTaskToken, and aws-sdk:* are)`,
  );
}

/**
 * Binds every Task state of a definition (nested Map/Parallel states included) to a local
 * implementation, keyed by state name as aws-local-stepfunctions expects:
 * - `arn:aws:states:::lambda:invoke` → the bound function, result wrapped as the Invoke response;
 * - `arn:aws:states:::sqs:sendMessage` → SendMessage through the real SQS client;
 * - `arn:aws:states:::aws-sdk:<service>:<action>` → the real SDK client's command.
 * With `.waitForTaskToken` the call is the submit step; the run then waits for the task token
 * (task-events.ts, task-tokens.ts).
 * Throws for a Task the sandbox cannot run (the library would otherwise call real AWS Lambda).
 */
export function createTaskHandlers(definition: unknown, bindings: TaskBindings): TaskHandlers {
  const parsed = parseDefinition(definition);
  // Refused here, like CreateStateMachine refuses it, rather than at the first execution.
  validateDefinition(parsed);
  const handlers: TaskHandlers = {};
  for (const [name, state] of taskStates(parsed)) {
    const run = taskCall(name, state, bindings);
    // Every integration returns JSON-safe values (JSON round trip / key-renamed SDK output).
    handlers[name] = async (parameters) => (await run(parameters)) as JsonValue;
  }
  return handlers;
}
