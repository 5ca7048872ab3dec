import { mentionsTaskToken, withTaskToken } from './context-task-token';
import type { AslDefinition, AslState } from './definition';
import { isCallbackResource, taskStates } from './definition';
import type { RunDefinitionOptions, RuntimeEvent, TaskEvent } from './run-types';
import { isTaskTimeout } from './states-timeout';
import type { CallbackDeadlines, CallbackTasks } from './task-tokens';

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

/** How a task attempt is carried out: the call, and for a callback task the wait for its token. */
interface Attempt {
  readonly stateName: string;
  readonly state: (AslState & { readonly Resource: string }) | undefined;
  readonly resource: string;
  readonly handler: TaskHandlers[string];
  readonly emitTask: (event: TaskEvent) => void;
  readonly now: () => number;
}

function deadlinesOf(state: AslState | undefined): CallbackDeadlines {
  return {
    ...(state?.HeartbeatSeconds !== undefined ? { heartbeatSeconds: state.HeartbeatSeconds } : {}),
    ...(state?.TimeoutSeconds !== undefined ? { timeoutSeconds: state.TimeoutSeconds } : {}),
  };
}

/**
 * Runs one attempt and records its events up to the result: TaskScheduled (with the Parameters
 * the service received, the task token in place), TaskStarted, then for a callback task
 * TaskSubmitted with the call's answer and the wait for SendTaskSuccess/SendTaskFailure
 * ("Wait for a Callback with Task Token",
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token).
 */
async function runAttempt(attempt: Attempt, parameters: unknown, callbacks: CallbackTasks | undefined): Promise<unknown> {
  const { stateName, state, resource, now, emitTask } = attempt;
  const isCallback = isCallbackResource(resource);
  if (isCallback && !callbacks) throw namedError('States.Runtime', `${resource} needs the service's task tokens (run it through the Step Functions service)`);
  // Only a callback task has a token to give; the placeholder must not reach a service.
  if (!isCallback && mentionsTaskToken(parameters)) throw namedError('States.Runtime', `$$.Task.Token is only given to .waitForTaskToken tasks (state ${stateName})`);
  const wait = isCallback ? callbacks?.open(deadlinesOf(state)) : undefined;
  const effective = wait ? withTaskToken(parameters, wait.token) : parameters;
  emitTask({
    type: 'TaskScheduled',
    timestamp: now(),
    stateName,
    resource,
    parameters: effective,
    ...(state?.TimeoutSeconds !== undefined ? { timeoutSeconds: state.TimeoutSeconds } : {}),
    ...(state?.HeartbeatSeconds !== undefined ? { heartbeatSeconds: state.HeartbeatSeconds } : {}),
  });
  emitTask({ type: 'TaskStarted', timestamp: now(), stateName, resource });
  try {
    const output: unknown = await attempt.handler(effective as Parameters<TaskHandlers[string]>[0]);
    if (!wait) return output;
    emitTask({ type: 'TaskSubmitted', timestamp: now(), stateName, resource, output });
    return await wait.result;
  } catch (error) {
    wait?.close();
    throw error;
  }
}

/**
 * One execution's event log: the library's events interleaved with the task lifecycle events
 * it does not report (TaskScheduled, TaskStarted, TaskSubmitted, TaskSucceeded, TaskFailed, TaskTimedOut).
 */
export function createEventLog(definition: AslDefinition, options: RunDefinitionOptions) {
  const now = options.now ?? Date.now;
  const tasks = taskStates(definition);
  const events: RuntimeEvent[] = [];
  // Once the execution is stopped (aborted, timed out, closed) a task call still in flight
  // records nothing more, as in AWS, where its result is discarded.
  let stopped = false;
  // The first closing event ends the log: the library's ExecutionAborted after a timeout the
  // runner measured itself is not part of it.
  let closed = false;
  // Attempts whose task call has not settled, per state: a States.Timeout closes them.
  const open = new Map<string, Set<number>>();
  let attempts = 0;
  const emit = (event: RuntimeEvent): void => {
    if (closed) return;
    if (CLOSING.has(event.type)) {
      stopped = true;
      closed = true;
    }
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
    const task: Attempt = { stateName, state: tasks.get(stateName), resource: resourceOf(stateName), handler, emitTask, now };
    return async (parameters) => {
      await drained();
      // A stopped execution schedules no more tasks; the library discards whatever this returns.
      if (stopped) throw namedError('States.Aborted', 'The execution was stopped before this task was scheduled.');
      const attempt = ++attempts;
      open.set(stateName, (open.get(stateName) ?? new Set<number>()).add(attempt));
      try {
        const output = await runAttempt(task, parameters, options.callbacks);
        if (settle(stateName, attempt)) emitTask({ type: 'TaskSucceeded', timestamp: now(), stateName, resource: task.resource, output });
        return output as Awaited<ReturnType<TaskHandlers[string]>>;
      } catch (error) {
        // A callback task past HeartbeatSeconds or TimeoutSeconds: AWS records TaskTimedOut.
        const type = isTaskTimeout(error) ? 'TaskTimedOut' : 'TaskFailed';
        if (settle(stateName, attempt)) emitTask({ type, timestamp: now(), stateName, resource: task.resource, ...errorInfo(error) });
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
    /** Closes the log with ExecutionTimeout: the execution's TimeoutSeconds passed. */
    timeOut: (): void => {
      emit({ type: 'ExecutionTimeout', timestamp: now() });
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
