import type { RunOptions, StateMachine } from 'aws-local-stepfunctions';
import type { SandboxTimers } from '../../wire/timers';
import type { CallbackTasks } from './task-tokens';

// What a run of a definition takes and gives: its options, the events it reports (the library's
// and the task lifecycle events recorded around each task call) and its result. Apart from the
// runner so that the event log (task-events.ts) and the runner share them without importing each
// other.

type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
export type RetryIntervalOverrides = NonNullable<NonNullable<RunOptions['overrides']>['retryIntervalOverrides']>;

/** The events aws-local-stepfunctions reports (StateEntered, StateFailed, ExecutionSucceeded…). */
export type LibraryEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

interface TaskEventBase {
  readonly timestamp: number;
  readonly stateName: string;
  /** The Task's Resource ARN. */
  readonly resource: string;
}

/**
 * Task lifecycle events the library does not report, recorded around each task call so the
 * service can write AWS's TaskScheduled/TaskStarted/TaskSubmitted/TaskSucceeded/TaskFailed/
 * TaskTimedOut history events (TaskSucceeded carries the raw result, before ResultSelector/ResultPath).
 */
export type TaskEvent =
  | (TaskEventBase & { readonly type: 'TaskScheduled'; readonly parameters: unknown; readonly timeoutSeconds?: number; readonly heartbeatSeconds?: number })
  | (TaskEventBase & { readonly type: 'TaskStarted' })
  /** A callback task's request was accepted; `output` is the service's answer (the SendMessage output). */
  | (TaskEventBase & { readonly type: 'TaskSubmitted'; readonly output: unknown })
  | (TaskEventBase & { readonly type: 'TaskSucceeded'; readonly output: unknown })
  | (TaskEventBase & { readonly type: 'TaskFailed' | 'TaskTimedOut'; readonly error: string; readonly cause: string });

export type RuntimeEvent = LibraryEvent | TaskEvent;

export interface RunDefinitionOptions {
  /** Task implementations by state name (see `createTaskHandlers`). */
  readonly handlers: TaskHandlers;
  /** Start at this top-level state instead of the definition's StartAt (how redrive resumes). */
  readonly startAt?: string;
  /**
   * Retry waits in ms instead of the ASL's backoff (tests, benchmarks): one number for every
   * state with a Retry, or per state name (a number, or one per retrier).
   */
  readonly retryIntervalOverrides?: number | RetryIntervalOverrides;
  /** Called for every event, in order, as it happens. */
  readonly onEvent?: (event: RuntimeEvent) => void;
  /** Context object fields (`$$.Execution.Id`, `$$.Execution.Name`, `$$.StateMachine…`). */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Aborting stops the execution (status ABORTED), as StopExecution does. */
  readonly signal?: AbortSignal;
  /** Clock for event timestamps and deadlines (ms). Default `Date.now`. */
  readonly now?: () => number;
  /** Timers for the execution's TimeoutSeconds (the sandbox clock's, so `advance()` passes it). Default: Node's. */
  readonly timers?: SandboxTimers;
  /**
   * Task tokens for `.waitForTaskToken` tasks (the service's registry, bound to this run). A run
   * without it fails such a task with States.Runtime.
   */
  readonly callbacks?: CallbackTasks;
}

export interface StateRecord {
  readonly name: string;
  readonly input: unknown;
  readonly output?: unknown;
}

export interface RunResult {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  /** The top-level state the execution stopped in (the one whose StateFailed ended it). */
  readonly failedState?: string;
  /** The input that state received: what a redrive runs it with again. */
  readonly failedStateInput?: unknown;
  /** States that completed, in order, with their input and output. */
  readonly succeededStates: readonly StateRecord[];
  readonly events: readonly RuntimeEvent[];
  /** State entries plus retry attempts: what a Standard workflow is billed for. */
  readonly stateTransitions: number;
}
