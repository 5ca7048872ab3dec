import { randomUUID } from 'node:crypto';
import type {
  DescribeExecutionOutput,
  DescribeStateMachineOutput,
  ExecutionListItem,
  ExecutionStatus,
  GetExecutionHistoryOutput,
  HistoryEvent,
  ListExecutionsOutput,
  ListStateMachinesOutput,
  RedriveExecutionOutput,
  SendTaskFailureOutput,
  SendTaskHeartbeatOutput,
  SendTaskSuccessOutput,
  StartExecutionOutput,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import { SANDBOX_ACCOUNT } from '../../wire/account';
import type { SandboxTimers } from '../../wire/timers';
import { SfnErrors } from './api-errors';
import { executionArn, invalidNameReason, isExecutionArn, isStateMachineArn, stateMachineArn } from './arns';
import { parseDefinition, taskStates, type AslDefinition } from './definition';
import {
  ExecutionStore,
  REDRIVE_TOKEN_LIMIT,
  REDRIVE_TOKEN_TTL_MS,
  redriveStatus,
  type ExecutionRecord,
} from './executions';
import { ExecutionHistory } from './history';
import { paginate } from './pagination';
import { parse } from './requests';
import { runDefinition, validateDefinition, type RunDefinitionOptions, type RunResult, type RuntimeEvent } from './runner';
import type { TaskHandlers } from './task-runtime';
import { TaskTokens } from './task-tokens';
import { errorMessage } from '../../../functions/shared/aws/error-name';

export interface StateMachineRegistration {
  readonly name: string;
  /** The rendered ASL (JSON text), as CreateStateMachine takes it. */
  readonly definition: string;
  readonly roleArn?: string;
  /** One handler per Task state (see `createTaskHandlers`). */
  readonly handlers: TaskHandlers;
}

interface StateMachineRecord {
  readonly arn: string;
  readonly name: string;
  readonly definition: string;
  readonly parsed: AslDefinition;
  readonly roleArn: string;
  readonly handlers: TaskHandlers;
  readonly creationDate: Date;
}

/** What `onExecutionEvent` listeners receive: one AWS history event as it is written. */
export interface ExecutionEventNotice {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly executionName: string;
  /** The execution's status after this event. */
  readonly status: ExecutionStatus;
  readonly event: HistoryEvent;
}

export interface BackendOptions {
  readonly now: () => number;
  /** Timers for deadlines (callback heartbeats and timeouts, execution timeouts). */
  readonly timers: SandboxTimers;
  readonly retryIntervalOverrides?: RunDefinitionOptions['retryIntervalOverrides'];
}

function withoutExecutionData(event: HistoryEvent): HistoryEvent {
  const strip = (details: unknown): unknown => {
    if (typeof details !== 'object' || details === null) return details;
    const { input: _input, output: _output, ...rest } = details as Record<string, unknown>;
    return rest;
  };
  return Object.fromEntries(Object.entries(event).map(([k, v]) => [k, k.endsWith('EventDetails') ? strip(v) : v])) as HistoryEvent;
}

/**
 * The Step Functions control plane: state machines, executions and their histories, and the
 * runs behind them. API methods take the request's JSON members and return the response's;
 * the HTTP layer (`service.ts`) serializes them in the JSON 1.0 protocol.
 */
export class StepFunctionsBackend {
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new ExecutionStore();
  private readonly listeners = new Set<(notice: ExecutionEventNotice) => void>();
  private readonly tokens: TaskTokens;
  /** State transitions (state entries + retries, what Standard workflows bill) and executions started. */
  readonly stats = { transitions: 0, executions: 0 };

  constructor(private readonly options: BackendOptions) {
    this.tokens = new TaskTokens({ now: options.now, timers: options.timers });
  }

  private get now(): number {
    return this.options.now();
  }

  registerStateMachine(registration: StateMachineRegistration): { stateMachineArn: string } {
    const reason = invalidNameReason(registration.name);
    if (reason) throw new Error(`State machine name '${registration.name}' ${reason}`);
    const parsed = parseDefinition(registration.definition);
    validateDefinition(parsed);
    for (const state of taskStates(parsed).keys()) {
      // aws-local-stepfunctions would invoke a real Lambda for a Task without a handler.
      if (!registration.handlers[state]) throw new Error(`State machine '${registration.name}': no handler for Task state '${state}'`);
    }
    const arn = stateMachineArn(registration.name);
    const existing = this.machines.get(arn);
    // CreateStateMachine: same name, other definition → StateMachineAlreadyExists.
    if (existing && existing.definition !== registration.definition) {
      throw new Error(`State machine '${registration.name}' already exists with another definition`);
    }
    this.machines.set(arn, {
      arn,
      name: registration.name,
      definition: registration.definition,
      parsed,
      roleArn: registration.roleArn ?? `arn:aws:iam::${SANDBOX_ACCOUNT}:role/service-role/StepFunctions-${registration.name}-role`,
      handlers: registration.handlers,
      creationDate: existing?.creationDate ?? new Date(this.now),
    });
    return { stateMachineArn: arn };
  }

  onExecutionEvent(listener: (notice: ExecutionEventNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the execution's status once it is no longer RUNNING. */
  async waitForExecution(arn: string): Promise<ExecutionStatus> {
    const execution = this.executions.get(arn);
    if (!execution) throw SfnErrors.executionDoesNotExist(arn);
    while (execution.status === 'RUNNING' || execution.status === 'PENDING_REDRIVE') await execution.settled;
    return execution.status;
  }

  /** Stops every running execution and waits for their runs to wind down (server shutdown). */
  async stopAll(): Promise<void> {
    const running = this.executions.running();
    for (const execution of running) this.stop(execution, 'States.Aborted', 'The sandbox is shutting down');
    await Promise.all(running.map((e) => e.settled.catch(() => undefined)));
  }

  // --- API operations --------------------------------------------------------------------

  StartExecution(request: unknown): StartExecutionOutput {
    const input = parse('StartExecution', request);
    const machine = this.machine(input.stateMachineArn);
    const name = input.name ?? randomUUID();
    const reason = invalidNameReason(name);
    if (reason) throw SfnErrors.invalidName(name, reason);
    const text = input.input ?? '{}';
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw SfnErrors.invalidExecutionInput(errorMessage(error));
    }
    const arn = executionArn(machine.name, name);
    const existing = this.executions.get(arn);
    if (existing) {
      // Same name (StartExecution API): open + same input → success with the original execution;
      // open + other input, or closed whatever the input → ExecutionAlreadyExists.
      const open = existing.status === 'RUNNING' || existing.status === 'PENDING_REDRIVE';
      if (open && existing.input === text) return { executionArn: existing.executionArn, startDate: existing.startDate };
      throw SfnErrors.executionAlreadyExists(arn);
    }
    const execution: ExecutionRecord = {
      executionArn: arn,
      stateMachineArn: machine.arn,
      name,
      input: text,
      startDate: new Date(this.now),
      history: new ExecutionHistory(() => this.now),
      status: 'RUNNING',
      redriveCount: 0,
      redriveTokens: [],
      run: 0,
      settled: Promise.resolve('RUNNING'),
    };
    this.executions.add(execution);
    this.stats.executions++;
    this.write(execution, {
      type: 'ExecutionStarted',
      executionStartedEventDetails: { input: text, inputDetails: { truncated: false }, roleArn: machine.roleArn },
    });
    this.launch(execution, machine, value);
    return { executionArn: arn, startDate: execution.startDate };
  }

  DescribeExecution(request: unknown): DescribeExecutionOutput {
    const execution = this.execution(parse('DescribeExecution', request).executionArn);
    const redrive = redriveStatus(execution, this.now);
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate,
      ...(execution.stopDate ? { stopDate: execution.stopDate } : {}),
      input: execution.input,
      inputDetails: { included: true },
      ...(execution.output !== undefined ? { output: execution.output, outputDetails: { included: true } } : {}),
      ...(execution.error !== undefined ? { error: execution.error } : {}),
      ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
      redriveCount: execution.redriveCount,
      ...(execution.redriveDate ? { redriveDate: execution.redriveDate } : {}),
      redriveStatus: redrive.status,
      ...(redrive.reason ? { redriveStatusReason: redrive.reason } : {}),
    };
  }

  ListExecutions(request: unknown): ListExecutionsOutput {
    const input = parse('ListExecutions', request);
    const machine = this.machine(input.stateMachineArn);
    const matching = this.executions
      .newestFirst(machine.arn)
      .filter((e) => !input.statusFilter || e.status === input.statusFilter)
      .filter((e) => !input.redriveFilter || (input.redriveFilter === 'REDRIVEN') === e.redriveCount > 0);
    const scope = `ListExecutions:${machine.arn}:${input.statusFilter ?? ''}:${input.redriveFilter ?? ''}`;
    const { page, nextToken } = paginate(matching, scope, input.maxResults, input.nextToken);
    const executions: ExecutionListItem[] = page.map((e) => ({
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: e.startDate,
      ...(e.stopDate ? { stopDate: e.stopDate } : {}),
      redriveCount: e.redriveCount,
      ...(e.redriveDate ? { redriveDate: e.redriveDate } : {}),
    }));
    return { executions, ...(nextToken ? { nextToken } : {}) };
  }

  GetExecutionHistory(request: unknown): GetExecutionHistoryOutput {
    const input = parse('GetExecutionHistory', request);
    const execution = this.execution(input.executionArn);
    const ordered = input.reverseOrder ? [...execution.history.list()].reverse() : execution.history.list();
    const scope = `GetExecutionHistory:${execution.executionArn}:${input.reverseOrder ? 'reverse' : 'forward'}`;
    const { page, nextToken } = paginate(ordered, scope, input.maxResults, input.nextToken);
    const events = input.includeExecutionData === false ? page.map(withoutExecutionData) : [...page];
    return { events, ...(nextToken ? { nextToken } : {}) };
  }

  RedriveExecution(request: unknown): RedriveExecutionOutput {
    const input = parse('RedriveExecution', request);
    const execution = this.execution(input.executionArn);
    const now = this.now;
    // Idempotency (RedriveExecution `clientToken`): the last 10 tokens of successful redrives,
    // each for 15 minutes after first use, answer the original response.
    const tokens = execution.redriveTokens;
    tokens.splice(0, tokens.length, ...tokens.filter((t) => now - t.firstUsed <= REDRIVE_TOKEN_TTL_MS));
    const repeated = input.clientToken ? tokens.find((t) => t.token === input.clientToken) : undefined;
    if (repeated) return { redriveDate: repeated.redriveDate };

    const eligibility = redriveStatus(execution, now);
    const resumeAt = execution.resumeAt;
    if (eligibility.status !== 'REDRIVABLE' || !resumeAt) {
      throw SfnErrors.executionNotRedrivable(eligibility.reason ?? 'Execution cannot be redriven.');
    }
    const machine = this.machine(execution.stateMachineArn);
    execution.redriveCount++;
    execution.redriveDate = new Date(now);
    delete execution.stopDate;
    delete execution.output;
    delete execution.error;
    delete execution.cause;
    if (input.clientToken) {
      tokens.push({ token: input.clientToken, firstUsed: now, redriveDate: execution.redriveDate });
      if (tokens.length > REDRIVE_TOKEN_LIMIT) tokens.shift();
    }
    execution.status = 'RUNNING';
    this.write(execution, { type: 'ExecutionRedriven', executionRedrivenEventDetails: { redriveCount: execution.redriveCount } });
    // Resumes AT the state the execution stopped in, with the input that state received; states
    // that succeeded before it are not run again (RedriveExecution API).
    this.launch(execution, machine, resumeAt.input, resumeAt.state);
    return { redriveDate: execution.redriveDate };
  }

  StopExecution(request: unknown): StopExecutionOutput {
    const input = parse('StopExecution', request);
    const execution = this.execution(input.executionArn);
    this.stop(execution, input.error, input.cause);
    return { stopDate: execution.stopDate ?? new Date(this.now) };
  }

  // The callback pattern's answers: each settles the waiting task of one attempt, whatever its
  // execution ("Wait for a Callback with Task Token",
  // https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token).

  SendTaskSuccess(request: unknown): SendTaskSuccessOutput {
    const input = parse('SendTaskSuccess', request);
    this.tokens.succeed(input.taskToken, input.output);
    return {};
  }

  SendTaskFailure(request: unknown): SendTaskFailureOutput {
    const input = parse('SendTaskFailure', request);
    this.tokens.fail(input.taskToken, input.error, input.cause);
    return {};
  }

  SendTaskHeartbeat(request: unknown): SendTaskHeartbeatOutput {
    this.tokens.heartbeat(parse('SendTaskHeartbeat', request).taskToken);
    return {};
  }

  DescribeStateMachine(request: unknown): DescribeStateMachineOutput {
    const machine = this.machine(parse('DescribeStateMachine', request).stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definition,
      roleArn: machine.roleArn,
      type: 'STANDARD',
      creationDate: machine.creationDate,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  ListStateMachines(request: unknown): ListStateMachinesOutput {
    const input = parse('ListStateMachines', request);
    const { page, nextToken } = paginate([...this.machines.values()], 'ListStateMachines', input.maxResults, input.nextToken);
    return {
      stateMachines: page.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: m.creationDate })),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  // --- runs ------------------------------------------------------------------------------

  private launch(execution: ExecutionRecord, machine: StateMachineRecord, input: unknown, startAt?: string): void {
    const run = ++execution.run;
    const controller = new AbortController();
    execution.abort = controller;
    execution.status = 'RUNNING';
    const topLevel = new Set(Object.keys(machine.parsed.States));
    execution.settled = runDefinition(machine.parsed, input, {
      handlers: machine.handlers,
      ...(startAt ? { startAt } : {}),
      ...(this.options.retryIntervalOverrides !== undefined ? { retryIntervalOverrides: this.options.retryIntervalOverrides } : {}),
      signal: controller.signal,
      now: this.options.now,
      timers: this.options.timers,
      callbacks: this.tokens.forRun(runOwner(execution, run)),
      context: {
        Execution: { Id: execution.executionArn, Name: execution.name, RoleArn: machine.roleArn, RedriveCount: execution.redriveCount },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
      onEvent: (event) => {
        if (execution.run !== run || execution.status !== 'RUNNING') return;
        this.observe(execution, event, topLevel);
      },
    }).then(
      (result) => this.complete(execution, run, result),
      (error: unknown) => this.complete(execution, run, crashed(error)),
    );
  }

  private observe(execution: ExecutionRecord, event: RuntimeEvent, topLevel: ReadonlySet<string>): void {
    if (event.type === 'StateEntered' || event.type === 'StateRetried') this.stats.transitions++;
    // Where a stop or failure leaves the execution: the top-level state last entered.
    if (event.type === 'StateEntered' && topLevel.has(event.state.name)) {
      execution.resumeAt = { state: event.state.name, input: event.state.input };
    }
    for (const written of execution.history.record(event)) this.notify(execution, written);
  }

  private complete(execution: ExecutionRecord, run: number, result: RunResult): ExecutionStatus {
    if (execution.run !== run) return execution.status;
    // A task still waiting when the run closed (another branch failed, the execution timed out) is over.
    this.tokens.closeRun(runOwner(execution, run));
    if (result.failedState !== undefined) execution.resumeAt = { state: result.failedState, input: result.failedStateInput };
    if (execution.status !== 'RUNNING') return execution.status; // stopped by StopExecution
    execution.status = result.status;
    execution.stopDate = new Date(this.now);
    switch (result.status) {
      case 'SUCCEEDED':
        execution.output = JSON.stringify(result.output ?? null);
        this.write(execution, {
          type: 'ExecutionSucceeded',
          executionSucceededEventDetails: { output: execution.output, outputDetails: { truncated: false } },
        });
        break;
      case 'FAILED':
        execution.error = result.error;
        execution.cause = result.cause;
        this.write(execution, { type: 'ExecutionFailed', executionFailedEventDetails: { error: result.error, cause: result.cause } });
        break;
      case 'TIMED_OUT':
        execution.error = result.error;
        execution.cause = result.cause;
        this.write(execution, { type: 'ExecutionTimedOut', executionTimedOutEventDetails: { error: result.error, cause: result.cause } });
        break;
      case 'ABORTED':
        this.write(execution, { type: 'ExecutionAborted', executionAbortedEventDetails: {} });
        break;
    }
    return execution.status;
  }

  private stop(execution: ExecutionRecord, error: string | undefined, cause: string | undefined): void {
    if (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE') return;
    execution.status = 'ABORTED';
    execution.stopDate = new Date(this.now);
    if (error !== undefined) execution.error = error;
    if (cause !== undefined) execution.cause = cause;
    for (const written of execution.history.abortRunningState()) this.notify(execution, written);
    // StopExecution ends a wait for a task token: the token stops working (TaskTimedOut).
    this.tokens.closeRun(runOwner(execution, execution.run));
    this.write(execution, {
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) },
    });
    execution.abort?.abort();
  }

  private write(execution: ExecutionRecord, event: Parameters<ExecutionHistory['append']>[0]): void {
    this.notify(execution, execution.history.append(event));
  }

  private notify(execution: ExecutionRecord, event: HistoryEvent): void {
    const notice: ExecutionEventNotice = {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      executionName: execution.name,
      status: execution.status,
      event,
    };
    for (const listener of this.listeners) {
      try {
        listener(notice);
      } catch {
        // A failing observer (the demo's timeline) must not break the execution.
      }
    }
  }

  private machine(arn: string): StateMachineRecord {
    if (!isStateMachineArn(arn)) throw SfnErrors.invalidArn(arn);
    const machine = this.machines.get(arn);
    if (!machine) throw SfnErrors.stateMachineDoesNotExist(arn);
    return machine;
  }

  private execution(arn: string): ExecutionRecord {
    if (!isExecutionArn(arn)) throw SfnErrors.invalidArn(arn);
    const execution = this.executions.get(arn);
    if (!execution) throw SfnErrors.executionDoesNotExist(arn);
    return execution;
  }
}

/** Names one run of an execution (its start or a redrive) for the task tokens it opens. */
function runOwner(execution: ExecutionRecord, run: number): string {
  return `${execution.executionArn}#${run}`;
}

/** A run that could not execute at all (a defect, not a task failure) fails the execution. */
function crashed(error: unknown): RunResult {
  return {
    status: 'FAILED',
    error: 'States.Runtime',
    cause: errorMessage(error),
    succeededStates: [],
    events: [],
    stateTransitions: 0,
  };
}
