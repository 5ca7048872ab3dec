import * as z from 'zod/mini';
import { documentIssues } from '../../wire/validation';

/**
 * The parts of an Amazon States Language (JSONPath) definition the sandbox reads itself. The
 * full definition is validated by aws-local-stepfunctions (asl-validator) when it is run.
 */

/**
 * Retrier fields as Step Functions accepts them at CreateStateMachine ("Handling errors in Step
 * Functions workflows", retrier fields). asl-validator 3.16, which aws-local-stepfunctions runs,
 * lists neither `MaxDelaySeconds` nor `JitterStrategy`: its schema lets unknown retrier fields
 * through, so the ASL passes its default validation (no option needed), but a typo such as
 * `"JitterStrategy": "FUL"` would pass too. This schema closes that gap; aws-local-stepfunctions
 * honours both fields at run time (delay clamped to MaxDelaySeconds, FULL = random in [0, delay]).
 */
const retrierSchema = z.strictObject({
  ErrorEquals: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  IntervalSeconds: z.optional(z.int().check(z.minimum(1), z.maximum(99_999_999))),
  MaxAttempts: z.optional(z.int().check(z.minimum(0), z.maximum(99_999_999))),
  BackoffRate: z.optional(z.number().check(z.minimum(1))),
  MaxDelaySeconds: z.optional(z.int().check(z.minimum(1), z.maximum(31_622_400))),
  JitterStrategy: z.optional(z.enum(['FULL', 'NONE'])),
});

export type AslRetrier = z.infer<typeof retrierSchema>;

export interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: unknown;
  readonly Retry?: readonly AslRetrier[];
  readonly TimeoutSeconds?: number;
  readonly HeartbeatSeconds?: number;
  readonly Iterator?: AslStates;
  readonly ItemProcessor?: AslStates;
  readonly Branches?: readonly AslStates[];
  readonly [field: string]: unknown;
}

export interface AslStates {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly [field: string]: unknown;
}

export interface AslDefinition extends AslStates {
  readonly TimeoutSeconds?: number;
}

const statesSchema: z.ZodMiniType<AslStates> = z.lazy(() =>
  z.looseObject({
    StartAt: z.string().check(z.minLength(1)),
    States: z.record(z.string().check(z.minLength(1), z.maxLength(80)), stateSchema),
  }),
);

const positiveInt = z.optional(z.int().check(z.positive()));
const stateSchema: z.ZodMiniType<AslState> = z.lazy(() =>
  z.looseObject({
    Type: z.string(),
    Resource: z.optional(z.string()),
    Retry: z.optional(z.array(retrierSchema)),
    TimeoutSeconds: positiveInt,
    HeartbeatSeconds: positiveInt,
    Iterator: z.optional(statesSchema),
    ItemProcessor: z.optional(statesSchema),
    Branches: z.optional(z.array(statesSchema)),
  }),
);

const definitionSchema = statesSchema;

/** Parses a definition (object or JSON text); throws listing every problem found. */
export function parseDefinition(definition: unknown): AslDefinition {
  const value: unknown = typeof definition === 'string' ? JSON.parse(definition) : definition;
  const parsed = definitionSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`Invalid state machine definition: ${documentIssues(parsed.error.issues, value).join('; ')}`);
  }
  if (!(parsed.data.StartAt in parsed.data.States)) {
    throw new Error(`Invalid state machine definition: StartAt '${parsed.data.StartAt}' is not a state`);
  }
  return parsed.data;
}

/** Every Task state of the definition, nested Map/Parallel states included, by state name. */
export function taskStates(states: AslStates): Map<string, AslState & { readonly Resource: string }> {
  const found = new Map<string, AslState & { readonly Resource: string }>();
  const visit = (scope: AslStates): void => {
    for (const [name, state] of Object.entries(scope.States)) {
      if (state.Type === 'Task' && typeof state.Resource === 'string') found.set(name, { ...state, Resource: state.Resource });
      if (state.Iterator) visit(state.Iterator);
      if (state.ItemProcessor) visit(state.ItemProcessor);
      for (const branch of state.Branches ?? []) visit(branch);
    }
  };
  visit(states);
  return found;
}

/** Every state name that has a `Retry` field, nested states included. */
export function retryableStateNames(states: AslStates): string[] {
  const names: string[] = [];
  const visit = (scope: AslStates): void => {
    for (const [name, state] of Object.entries(scope.States)) {
      if (state.Retry && state.Retry.length > 0) names.push(name);
      if (state.Iterator) visit(state.Iterator);
      if (state.ItemProcessor) visit(state.ItemProcessor);
      for (const branch of state.Branches ?? []) visit(branch);
    }
  };
  visit(states);
  return names;
}

/**
 * The longest wait a Node.js timer can arm (2^31-1 ms, about 24.8 days): a longer delay fires
 * after 1 ms instead. aws-local-stepfunctions arms one timer per task and one per execution.
 */
export const LONGEST_TIMER_SECONDS = Math.floor(0x7fffffff / 1000);

/**
 * AWS's timeout defaults, which aws-local-stepfunctions does not apply: a Task without
 * `TimeoutSeconds` (or `TimeoutSecondsPath`) never times out — "By default, the Amazon States
 * Language doesn't specify timeouts" (https://docs.aws.amazon.com/step-functions/latest/dg/sfn-stuck-execution.html;
 * the Task state's TimeoutSeconds default is 99,999,999 s) — while the library gives it 60 s.
 * Missing and longer task timeouts become the longest a timer can wait (AWS's default is longer,
 * but no sandbox run lives 24 days). The execution's own `TimeoutSeconds` is left out: the runner
 * measures it on the service's clock (runner.ts), where the library would use real time.
 */
export function withAwsTimeouts(definition: AslDefinition): AslDefinition {
  const scope = (states: AslStates): AslStates => ({
    ...states,
    States: Object.fromEntries(Object.entries(states.States).map(([name, state]) => [name, stateWithTimeouts(state, scope)])),
  });
  const { TimeoutSeconds: _executionTimeout, ...top } = scope(definition) as AslDefinition;
  return top;
}

function stateWithTimeouts(state: AslState, scope: (states: AslStates) => AslStates): AslState {
  let result: AslState = state;
  const callback = state.Type === 'Task' && typeof state.Resource === 'string' && isCallbackResource(state.Resource);
  if (state.Type === 'Task' && state.TimeoutSecondsPath === undefined) {
    // A callback task's TimeoutSeconds is measured by the service on its own clock (task-tokens.ts).
    const seconds = callback ? LONGEST_TIMER_SECONDS : Math.min(state.TimeoutSeconds ?? LONGEST_TIMER_SECONDS, LONGEST_TIMER_SECONDS);
    result = { ...result, TimeoutSeconds: seconds };
  }
  if (callback) result = withHeartbeatTimeoutAsTimeout(result);
  if (state.Iterator) result = { ...result, Iterator: scope(state.Iterator) };
  if (state.ItemProcessor) result = { ...result, ItemProcessor: scope(state.ItemProcessor) };
  if (state.Branches) result = { ...result, Branches: state.Branches.map(scope) };
  return result;
}

/**
 * The callback pattern: a Task whose Resource ends in `.waitForTaskToken` waits for its token to
 * come back through SendTaskSuccess/SendTaskFailure ("Wait for a Callback with Task Token",
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token).
 */
export function isCallbackResource(resource: string): boolean {
  return /^arn:aws[a-z-]*:states:::[^.]+\.waitForTaskToken$/.test(resource);
}

/**
 * `States.Timeout` names both timeouts of a task: "A Task state either ran longer than the
 * TimeoutSeconds value, or failed to send a heartbeat for a period longer than the
 * HeartbeatSeconds value"; `States.HeartbeatTimeout` names the second alone ("Handling errors in
 * Step Functions workflows", https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 * The library matches error names exactly, so a retrier or catcher on States.Timeout also lists
 * States.HeartbeatTimeout in the copy it runs.
 */
function withHeartbeatTimeoutAsTimeout(state: AslState): AslState {
  const widen = (handlers: unknown): unknown =>
    Array.isArray(handlers)
      ? handlers.map((handler: unknown) => {
          if (typeof handler !== 'object' || handler === null || !('ErrorEquals' in handler) || !Array.isArray(handler.ErrorEquals)) return handler;
          const names: unknown[] = handler.ErrorEquals;
          return names.includes('States.Timeout') && !names.includes('States.HeartbeatTimeout')
            ? { ...handler, ErrorEquals: [...names, 'States.HeartbeatTimeout'] }
            : handler;
        })
      : handlers;
  return {
    ...state,
    ...(state.Retry ? { Retry: widen(state.Retry) as AslState['Retry'] } : {}),
    ...(state.Catch !== undefined ? { Catch: widen(state.Catch) } : {}),
  };
}

/** The same definition starting at another top-level state (how a redrive resumes). */
export function withStartAt(definition: AslDefinition, startAt: string): AslDefinition {
  if (!(startAt in definition.States)) throw new Error(`No top-level state named '${startAt}' to start at`);
  return { ...definition, StartAt: startAt };
}

/**
 * `resourceType`/`resource` as Step Functions reports them in TaskScheduled and the other task
 * events: `arn:aws:states:::lambda:invoke` → lambda / invoke,
 * `arn:aws:states:::aws-sdk:iot:attachPolicy` → aws-sdk:iot / attachPolicy.
 */
export function describeResource(resourceArn: string): { resourceType: string; resource: string } {
  const integration = /^arn:aws[a-z-]*:states:::(.+)$/.exec(resourceArn)?.[1];
  if (integration) {
    const parts = integration.split(':');
    const resource = parts.pop() ?? integration;
    return { resourceType: parts.join(':'), resource };
  }
  return { resourceType: 'unknown', resource: resourceArn };
}
