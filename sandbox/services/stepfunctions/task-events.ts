import type { AslDefinition } from './definition';
import { taskStates } from './definition';
import type { RunDefinitionOptions, RuntimeEvent, TaskEvent } from './run-types';

type TaskHandlers = RunDefinitionOptions['handlers'];

const CLOSING: ReadonlySet<RuntimeEvent['type']> = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimeout']);

/** Lets every event the library has queued so far reach the consumer (they arrive via microtasks). */
const drained = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The Error and Cause the library derives from a thrown error (`name`, `cause ?? message`). */
export function errorInfo(error: unknown): { error: string; cause: string } {
  if (!(error instanceof Error)) return { error: 'Error', cause: String(error) };
  const cause: unknown = error.cause ?? error.message;
  return { error: error.name, cause: typeof cause === 'string' ? cause : JSON.stringify(cause) ?? String(cause) };
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * One execution's event log: the library's events interleaved with the task lifecycle events
 * it does not report (TaskScheduled, TaskStarted, TaskSucceeded, TaskFailed, TaskTimedOut).
 */
export function createEventLog(definition: AslDefinition, options: RunDefinitionOptions) {
  const now = options.now ?? Date.now;
  const tasks = taskStates(definition);
  const events: RuntimeEvent[] = [];
  // Once the execution is stopped (aborted, timed out, closed) a task call still in flight
  // records nothing more, as in AWS, where its result is discarded.
  let stopped = false;
  // Attempts whose task call has not settled, per state: a States.Timeout closes them.
  const open = new Map<string, Set<number>>();
  let attempts = 0;
  const emit = (event: RuntimeEvent): void => {
    if (CLOSING.has(event.type)) stopped = true;
    events.push(event);
    options.onEvent?.(event);
  };
  const emitTask = (event: TaskEvent): void => {
    if (!stopped) emit(event);
  };
  const settle = (stateName: string, attempt: number): boolean => open.get(stateName)?.delete(attempt) ?? false;
  const resourceOf = (stateName: string) => tasks.get(stateName)?.Resource ?? 'unknown';

  /** Wraps one task implementation so each call records its lifecycle events. */
  const instrument = (stateName: string, handler: TaskHandlers[string]): TaskHandlers[string] => {
    const state = tasks.get(stateName);
    const resource = resourceOf(stateName);
    return async (parameters) => {
      await drained();
      // A stopped execution schedules no more tasks; the library discards whatever this returns.
      if (stopped) throw namedError('States.Aborted', 'The execution was stopped before this task was scheduled.');
      const attempt = ++attempts;
      open.set(stateName, (open.get(stateName) ?? new Set<number>()).add(attempt));
      emitTask({
        type: 'TaskScheduled',
        timestamp: now(),
        stateName,
        resource,
        parameters,
        ...(state?.TimeoutSeconds !== undefined ? { timeoutSeconds: state.TimeoutSeconds } : {}),
        ...(state?.HeartbeatSeconds !== undefined ? { heartbeatSeconds: state.HeartbeatSeconds } : {}),
      });
      emitTask({ type: 'TaskStarted', timestamp: now(), stateName, resource });
      try {
        const output = await handler(parameters);
        if (settle(stateName, attempt)) emitTask({ type: 'TaskSucceeded', timestamp: now(), stateName, resource, output });
        return output;
      } catch (error) {
        if (settle(stateName, attempt)) emitTask({ type: 'TaskFailed', timestamp: now(), stateName, resource, ...errorInfo(error) });
        throw error;
      }
    };
  };

  return {
    events,
    handlers: (): TaskHandlers => Object.fromEntries(Object.entries(options.handlers).map(([name, handler]) => [name, instrument(name, handler)])),
    /** Stops recording task events (the library delivers ExecutionAborted later). */
    stop: (): void => {
      stopped = true;
    },
    /** Records one library event; a States.Timeout closes the state's open task calls first. */
    record(event: Exclude<RuntimeEvent, TaskEvent>): void {
      if (event.type === 'StateFailed' && event.Error === 'States.Timeout') {
        // The library gave up on the task call (its TimeoutSeconds): AWS records TaskTimedOut.
        const pending = open.get(event.state.name);
        for (const attempt of pending ?? []) {
          pending?.delete(attempt);
          emitTask({ type: 'TaskTimedOut', timestamp: now(), stateName: event.state.name, resource: resourceOf(event.state.name), ...errorInfo(namedError('States.Timeout', 'Task timed out.')) });
        }
      }
      emit({ ...event, timestamp: now() });
    },
  };
}
