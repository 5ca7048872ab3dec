import './polyfill';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { parseDefinition, retryableStateNames, withAwsTimeouts, withStartAt, type AslDefinition } from './definition';
import type { RetryIntervalOverrides, RunDefinitionOptions, RunResult, RuntimeEvent, StateRecord } from './run-types';
import { createEventLog, errorInfo } from './task-events';
import { TASK_TOKEN_PLACEHOLDER } from './context-task-token';
import { armDeadline } from './deadline';
import { realTimers } from '../../wire/timers';

export { errorInfo } from './task-events';
export type { LibraryEvent, RunDefinitionOptions, RunResult, RuntimeEvent, StateRecord, TaskEvent } from './run-types';

const CLOSING_EVENTS: ReadonlySet<RuntimeEvent['type']> = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimeout']);

const validated = new Set<string>();

/**
 * Validates a definition the way aws-local-stepfunctions does (asl-validator), once per distinct
 * definition: validation costs 150-400 ms, a run of the onboarding workflow about 1 ms. Runs
 * then skip it — which also lets a redrive start at a later state, a copy asl-validator would
 * reject because the states before the new StartAt are unreachable.
 */
export function validateDefinition(definition: AslDefinition): void {
  const key = JSON.stringify(definition);
  if (validated.has(key)) return;
  new StateMachine(definition as unknown as StateMachineDefinition);
  validated.add(key);
}

function expandRetryOverrides(
  definition: AslDefinition,
  overrides: RunDefinitionOptions['retryIntervalOverrides'],
): RetryIntervalOverrides | undefined {
  if (typeof overrides !== 'number') return overrides;
  return Object.fromEntries(retryableStateNames(definition).map((name) => [name, overrides]));
}

/**
 * The execution's `TimeoutSeconds` ("the maximum number of seconds an execution of the state
 * machine can run", https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html, "State machine structure"),
 * on the run's clock and timers rather than the library's real-time timer, so a test that moves
 * the sandbox clock past it times the execution out, even while a task waits for its token.
 */
function armExecutionTimeout(definition: AslDefinition, options: RunDefinitionOptions, onTimeout: () => void): () => void {
  if (definition.TimeoutSeconds === undefined) return () => undefined;
  const now = options.now ?? Date.now;
  return armDeadline(options.timers ?? realTimers, now, now() + definition.TimeoutSeconds * 1000, onTimeout);
}

/**
 * Runs a definition with aws-local-stepfunctions and reports how it ended, with an event log
 * in which the library's events are interleaved with task lifecycle events. Never rejects for
 * an execution failure (that is a FAILED result); rejects for a definition it cannot run.
 */
export async function runDefinition(definition: unknown, input: unknown, options: RunDefinitionOptions): Promise<RunResult> {
  const parsed = parseDefinition(definition);
  validateDefinition(parsed);
  const runnable = withAwsTimeouts(options.startAt ? withStartAt(parsed, options.startAt) : parsed);
  const machine = new StateMachine(runnable as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });
  const log = createEventLog(parsed, options);
  const retryIntervalOverrides = expandRetryOverrides(parsed, options.retryIntervalOverrides);
  const run = machine.run(input as Parameters<StateMachine['run']>[0], {
    overrides: { taskResourceLocalHandlers: log.handlers(), ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}) },
    noThrowOnAbort: true,
    context: { ...options.context, Task: { Token: TASK_TOKEN_PLACEHOLDER } },
  });
  const onAbort = () => {
    // The library queues ExecutionAborted now but delivers it later: a task settling in between
    // must not be recorded.
    log.stop();
    run.abort();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const cancelTimeout = armExecutionTimeout(parsed, options, () => {
    log.timeOut();
    run.abort();
  });

  const consumed = (async () => {
    for await (const event of run.eventLogs) log.record(event);
  })();
  try {
    await run.result;
  } catch {
    // The failure is in the event log (ExecutionFailed / ExecutionTimeout).
  } finally {
    cancelTimeout();
    options.signal?.removeEventListener('abort', onAbort);
  }
  await consumed;
  return summarize(log.events);
}

function summarize(events: readonly RuntimeEvent[]): RunResult {
  let stateTransitions = 0;
  const succeededStates: StateRecord[] = [];
  let lastFailed: { name: string; input: unknown } | undefined;
  let current: { name: string; input: unknown } | undefined;
  for (const event of events) {
    if (event.type === 'StateEntered') {
      stateTransitions++;
      current = { name: event.state.name, input: event.state.input };
    } else if (event.type === 'StateRetried') {
      stateTransitions++;
    } else if (event.type === 'StateExited') {
      succeededStates.push({ name: event.state.name, input: event.state.input, output: event.state.output });
    } else if (event.type === 'StateFailed') {
      lastFailed = { name: event.state.name, input: event.state.input };
    }
  }
  const last = events.findLast((e) => CLOSING_EVENTS.has(e.type));
  const base = { events, stateTransitions, succeededStates };
  switch (last?.type) {
    case 'ExecutionSucceeded':
      return { ...base, status: 'SUCCEEDED', output: last.output };
    case 'ExecutionFailed': {
      const { error, cause } = errorInfo(Object.assign(new Error(), { name: last.Error, cause: last.Cause }));
      return {
        ...base,
        status: 'FAILED',
        error,
        cause,
        ...(lastFailed ? { failedState: lastFailed.name, failedStateInput: lastFailed.input } : {}),
      };
    }
    case 'ExecutionTimeout':
      return {
        ...base,
        status: 'TIMED_OUT',
        error: 'States.Timeout',
        cause: 'The execution ran longer than the state machine TimeoutSeconds.',
        ...(current ? { failedState: current.name, failedStateInput: current.input } : {}),
      };
    case 'ExecutionAborted':
      return { ...base, status: 'ABORTED', ...(current ? { failedState: current.name, failedStateInput: current.input } : {}) };
    default:
      throw new Error(`State machine run ended without a closing event (last: ${last?.type ?? 'none'})`);
  }
}
