import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import { SANDBOX_REGION } from '../../wire/account';
import { describeResource } from './definition';
import type { RuntimeEvent } from './runner';

/** An execution history event without its position; `ExecutionHistory.append` numbers it. */
export type NewHistoryEvent = Omit<HistoryEvent, 'id' | 'previousEventId' | 'timestamp'>;

const notTruncated = { truncated: false } as const;
const json = (value: unknown): string => JSON.stringify(value ?? null);

// Event type names per state type (GetExecutionHistory, HistoryEvent.type). Fail and Succeed
// states end the execution, so only these have Exited events; Choice/Pass cannot be aborted.
const ENTERED: Readonly<Record<string, HistoryEventType>> = {
  Task: 'TaskStateEntered',
  Pass: 'PassStateEntered',
  Choice: 'ChoiceStateEntered',
  Wait: 'WaitStateEntered',
  Succeed: 'SucceedStateEntered',
  Fail: 'FailStateEntered',
  Map: 'MapStateEntered',
  Parallel: 'ParallelStateEntered',
};
const EXITED: Readonly<Record<string, HistoryEventType>> = {
  Task: 'TaskStateExited',
  Pass: 'PassStateExited',
  Choice: 'ChoiceStateExited',
  Wait: 'WaitStateExited',
  Succeed: 'SucceedStateExited',
  Map: 'MapStateExited',
  Parallel: 'ParallelStateExited',
};
const ABORTED: Readonly<Record<string, HistoryEventType>> = {
  Task: 'TaskStateAborted',
  Wait: 'WaitStateAborted',
  Map: 'MapStateAborted',
  Parallel: 'ParallelStateAborted',
};

/**
 * One execution's history in the shape GetExecutionHistory returns: events numbered from 1,
 * each pointing at the one before it (`previousEventId`), with AWS's type names and details.
 * A redrive appends to the same history (ExecutionRedriven, then the resumed states).
 */
export class ExecutionHistory {
  private readonly events: HistoryEvent[] = [];
  /** A state whose error a Catch handled: AWS closes it with an Exited event carrying the catch output. */
  private caught: { name: string; type: string } | undefined;
  /** The state being run, for a StateAborted event when the execution is stopped. */
  private running: { name: string; type: string } | undefined;

  constructor(private readonly now: () => number) {}

  get length(): number {
    return this.events.length;
  }

  list(): readonly HistoryEvent[] {
    return this.events;
  }

  append(event: NewHistoryEvent): HistoryEvent {
    const previous = this.events.at(-1);
    const full: HistoryEvent = { timestamp: new Date(this.now()), ...event, id: (previous?.id ?? 0) + 1, previousEventId: previous?.id ?? 0 };
    this.events.push(full);
    return full;
  }

  /** Appends the AWS history events one runtime event stands for (none for most bookkeeping). */
  record(event: RuntimeEvent): HistoryEvent[] {
    return this.translate(event).map((e) => this.append(e));
  }

  /** The state-level event that precedes ExecutionAborted when a run is stopped mid-state. */
  abortRunningState(): HistoryEvent[] {
    const running = this.running;
    this.running = undefined;
    const type = running ? ABORTED[running.type] : undefined;
    return running && type ? [this.append({ type, stateExitedEventDetails: { name: running.name } })] : [];
  }

  private translate(event: RuntimeEvent): NewHistoryEvent[] {
    switch (event.type) {
      case 'StateEntered': {
        const out: NewHistoryEvent[] = [];
        if (this.caught) {
          // The caught state's output is the input of the state its Catch moved to.
          const type = EXITED[this.caught.type];
          if (type) out.push({ type, stateExitedEventDetails: { name: this.caught.name, output: json(event.state.input), outputDetails: notTruncated } });
          this.caught = undefined;
        }
        const type = ENTERED[event.state.type];
        this.running = { name: event.state.name, type: event.state.type };
        if (type) out.push({ type, stateEnteredEventDetails: { name: event.state.name, input: json(event.state.input), inputDetails: notTruncated } });
        return out;
      }
      case 'StateExited': {
        this.running = undefined;
        const type = EXITED[event.state.type];
        return type ? [{ type, stateExitedEventDetails: { name: event.state.name, output: json(event.state.output), outputDetails: notTruncated } }] : [];
      }
      case 'StateCaught':
        this.running = undefined;
        this.caught = { name: event.state.name, type: event.state.type };
        return [];
      case 'TaskScheduled': {
        const { resourceType, resource } = describeResource(event.resource);
        return [
          {
            type: 'TaskScheduled',
            taskScheduledEventDetails: {
              resourceType,
              resource,
              region: SANDBOX_REGION,
              parameters: json(event.parameters),
              ...(event.timeoutSeconds !== undefined ? { timeoutInSeconds: event.timeoutSeconds } : {}),
              ...(event.heartbeatSeconds !== undefined ? { heartbeatInSeconds: event.heartbeatSeconds } : {}),
            },
          },
        ];
      }
      case 'TaskStarted':
        return [{ type: 'TaskStarted', taskStartedEventDetails: describeResource(event.resource) }];
      case 'TaskSubmitted':
        // A callback task's request was accepted and it now waits for its token; the details
        // carry the integration's answer (the SendMessage output).
        return [
          {
            type: 'TaskSubmitted',
            taskSubmittedEventDetails: { ...describeResource(event.resource), output: json(event.output), outputDetails: notTruncated },
          },
        ];
      case 'TaskSucceeded':
        return [
          {
            type: 'TaskSucceeded',
            taskSucceededEventDetails: { ...describeResource(event.resource), output: json(event.output), outputDetails: notTruncated },
          },
        ];
      case 'TaskFailed':
        return [{ type: 'TaskFailed', taskFailedEventDetails: { ...describeResource(event.resource), error: event.error, cause: event.cause } }];
      case 'TaskTimedOut':
        return [{ type: 'TaskTimedOut', taskTimedOutEventDetails: { ...describeResource(event.resource), error: event.error, cause: event.cause } }];
      case 'MapIterationStarted':
        return [{ type: 'MapIterationStarted', mapIterationStartedEventDetails: { name: event.parentState.name, index: event.index } }];
      case 'MapIterationSucceeded':
        return [{ type: 'MapIterationSucceeded', mapIterationSucceededEventDetails: { name: event.parentState.name, index: event.index } }];
      case 'MapIterationFailed':
        return [{ type: 'MapIterationFailed', mapIterationFailedEventDetails: { name: event.parentState.name, index: event.index } }];
      default:
        // Execution open/close events are written by the service from the API call and the run's
        // result; StateFailed/StateRetried have no history event of their own in AWS (a retry is a
        // new TaskScheduled after the TaskFailed).
        return [];
    }
  }
}
