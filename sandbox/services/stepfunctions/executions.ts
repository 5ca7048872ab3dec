import type { ExecutionRedriveStatus, ExecutionStatus } from '@aws-sdk/client-sfn';
import type { ExecutionHistory } from './history';

/** Where a redrive resumes: the state the execution stopped in and the input it received. */
export interface ResumePoint {
  readonly state: string;
  readonly input: unknown;
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  /** The input as given to StartExecution (compared verbatim for name idempotency). */
  readonly input: string;
  readonly startDate: Date;
  readonly history: ExecutionHistory;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveDate?: Date;
  resumeAt?: ResumePoint;
  /** Client tokens of successful redrives: a repeat within 15 minutes answers the same result. */
  readonly redriveTokens: Array<{ readonly token: string; readonly firstUsed: number; readonly redriveDate: Date }>;
  /** Increments per run (start, each redrive) so a stale run's late events are ignored. */
  run: number;
  abort?: AbortController;
  /** Settles with the status when the current run closes. */
  settled: Promise<ExecutionStatus>;
}

/** RedriveExecution: "didn't complete successfully in the last 14 days". */
export const REDRIVE_WINDOW_MS = 14 * 24 * 3_600_000;
/** RedriveExecution idempotency: the last 10 client tokens, each valid for 15 minutes. */
export const REDRIVE_TOKEN_LIMIT = 10;
export const REDRIVE_TOKEN_TTL_MS = 15 * 60_000;
/** Step Functions quota: 25,000 events in one execution's history; a redrive must fit in it. */
export const HISTORY_EVENT_LIMIT = 25_000;

/**
 * DescribeExecution's `redriveStatus`/`redriveStatusReason`; NOT_REDRIVABLE exactly when
 * RedriveExecution would answer ExecutionNotRedrivable. Reasons are AWS's wording.
 */
export function redriveStatus(execution: ExecutionRecord, now: number): { status: ExecutionRedriveStatus; reason?: string } {
  switch (execution.status) {
    case 'RUNNING':
    case 'PENDING_REDRIVE':
      return { status: 'NOT_REDRIVABLE', reason: 'Execution is RUNNING and cannot be redriven.' };
    case 'SUCCEEDED':
      return { status: 'NOT_REDRIVABLE', reason: 'Execution is SUCCEEDED and cannot be redriven.' };
    default:
      break;
  }
  if (execution.stopDate && now - execution.stopDate.getTime() > REDRIVE_WINDOW_MS) {
    return { status: 'NOT_REDRIVABLE', reason: 'Execution redrivable period exceeded.' };
  }
  if (execution.history.length >= HISTORY_EVENT_LIMIT) {
    return { status: 'NOT_REDRIVABLE', reason: 'Execution history event limit exceeded.' };
  }
  if (!execution.resumeAt) return { status: 'NOT_REDRIVABLE', reason: 'Execution has no state to resume at.' };
  return { status: 'REDRIVABLE' };
}

/** Executions by ARN, and per state machine in start order. */
export class ExecutionStore {
  private readonly byArn = new Map<string, ExecutionRecord>();
  private readonly byMachine = new Map<string, ExecutionRecord[]>();

  get(executionArn: string): ExecutionRecord | undefined {
    return this.byArn.get(executionArn);
  }

  add(execution: ExecutionRecord): void {
    this.byArn.set(execution.executionArn, execution);
    const list = this.byMachine.get(execution.stateMachineArn) ?? [];
    list.push(execution);
    this.byMachine.set(execution.stateMachineArn, list);
  }

  /** A state machine's executions, most recently started first (ListExecutions order). */
  newestFirst(stateMachineArn: string): ExecutionRecord[] {
    return [...(this.byMachine.get(stateMachineArn) ?? [])].reverse();
  }

  get size(): number {
    return this.byArn.size;
  }

  running(): ExecutionRecord[] {
    return [...this.byArn.values()].filter((e) => e.status === 'RUNNING');
  }
}
