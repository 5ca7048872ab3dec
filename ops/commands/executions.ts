import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  type ExecutionListItem,
  type ExecutionStatus,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import type { Clients } from '../context';

export const CLOSED_UNSUCCESSFUL: ExecutionStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];

/** Executions of the state machine with one of the statuses that stopped at or after `since`. */
export async function listExecutions(
  clients: Clients,
  stateMachineArn: string,
  statuses: ExecutionStatus[],
  since: Date,
): Promise<ExecutionListItem[]> {
  const found: ExecutionListItem[] = [];
  for (const statusFilter of statuses) {
    let nextToken: string | undefined;
    do {
      const page = await clients.sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter, maxResults: 100, nextToken }));
      for (const execution of page.executions ?? []) {
        // Newest first: once past the window, older pages hold nothing newer.
        if ((execution.stopDate ?? execution.startDate ?? new Date(0)) < since) {
          nextToken = undefined;
          break;
        }
        found.push(execution);
      }
      nextToken = nextToken === undefined ? undefined : page.nextToken;
    } while (nextToken);
  }
  return found.sort((a, b) => (b.stopDate?.getTime() ?? 0) - (a.stopDate?.getTime() ?? 0));
}

export interface FailureDetail {
  readonly executionArn: string;
  readonly name: string;
  readonly status: string;
  readonly username?: string;
  readonly sub?: string;
  readonly failedState?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly stoppedAt?: string;
  readonly redriveCount: number;
  readonly redrivable: boolean;
}

/** Who the execution was for, where it stopped and why (DescribeExecution + history). */
export async function describeFailure(clients: Clients, executionArn: string): Promise<FailureDetail> {
  const execution = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
  let input: { username?: string; sub?: string } = {};
  try {
    input = JSON.parse(execution.input ?? '{}') as typeof input;
  } catch {
    // An input that is not JSON names no user; the execution is still listed.
  }
  const history = await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 50 }));
  return {
    executionArn,
    name: execution.name ?? executionArn.split(':').pop() ?? executionArn,
    status: execution.status ?? 'UNKNOWN',
    ...(input.username ? { username: input.username } : {}),
    ...(input.sub ? { sub: input.sub } : {}),
    ...failedStateOf(history.events ?? []),
    ...(execution.error ? { error: execution.error } : {}),
    ...(execution.cause ? { cause: execution.cause } : {}),
    ...(execution.stopDate ? { stoppedAt: execution.stopDate.toISOString() } : {}),
    redriveCount: execution.redriveCount ?? 0,
    redrivable: execution.redriveStatus !== 'NOT_REDRIVABLE',
  };
}

/** The last state entered before the execution stopped (history read newest first). */
function failedStateOf(events: HistoryEvent[]): { failedState?: string } {
  for (const event of events) {
    const name = event.stateEnteredEventDetails?.name;
    if (name) return { failedState: name };
  }
  return {};
}
