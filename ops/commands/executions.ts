import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  type ExecutionListItem,
  type ExecutionStatus,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import type { Clients, Targets } from '../context';
import { stateMachineOf, type WorkflowName } from '../workflows';

export const CLOSED_UNSUCCESSFUL: ExecutionStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];

/** The workflow's executions that failed, timed out or were aborted since `since`, newest first. */
export async function failedExecutionArns(clients: Clients, targets: Targets, workflow: WorkflowName, since: Date): Promise<string[]> {
  const executions = await listExecutions(clients, stateMachineOf(targets, workflow), CLOSED_UNSUCCESSFUL, since);
  return executions.map((e) => e.executionArn).filter((arn): arn is string => typeof arn === 'string');
}

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
  /** Onboarding: the user. */
  readonly username?: string;
  readonly sub?: string;
  /** Offboarding: the identity given, or the one the execution resolved from the sub. */
  readonly identityId?: string;
  /** Offboarding: why the user is leaving. */
  readonly reason?: string;
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
  const history = await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 50 }));
  const failedState = lastStateEntered(history.events ?? []);
  return {
    executionArn,
    name: execution.name ?? executionArn.split(':').pop() ?? executionArn,
    status: execution.status ?? 'UNKNOWN',
    ...whoOf(execution.input, failedState?.input),
    ...(failedState?.name ? { failedState: failedState.name } : {}),
    ...(execution.error ? { error: execution.error } : {}),
    ...(execution.cause ? { cause: execution.cause } : {}),
    ...(execution.stopDate ? { stoppedAt: execution.stopDate.toISOString() } : {}),
    redriveCount: execution.redriveCount ?? 0,
    redrivable: execution.redriveStatus !== 'NOT_REDRIVABLE',
  };
}

type Who = Pick<FailureDetail, 'username' | 'sub' | 'identityId' | 'reason'>;

/**
 * Who the execution is for: onboarding input names `username` and `sub`, offboarding input `sub`
 * and/or `identityId` and `reason` (functions/shared/workflows/offboarding.ts). Offboarding started from a
 * sub resolves the identity into `$.resolved` (statemachines/offboarding.asl.json), which the
 * failed state's input still carries: the identity that may still hold the policy.
 */
function whoOf(input: string | undefined, failedStateInput: string | undefined): Who {
  const given = jsonObject(input);
  const identityId = text(given.identityId) ?? text(objectOf(jsonObject(failedStateInput).resolved).identityId);
  const who: Record<string, string | undefined> = { username: text(given.username), sub: text(given.sub), identityId, reason: text(given.reason) };
  return Object.fromEntries(Object.entries(who).filter(([, value]) => value !== undefined));
}

/** A JSON object, or `{}` for anything else: an input that is not JSON names no one, and the execution is still listed. */
function jsonObject(json: string | undefined): Record<string, unknown> {
  try {
    return objectOf(JSON.parse(json ?? '{}'));
  } catch {
    return {};
  }
}

const objectOf = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The last state entered before the execution stopped (history read newest first). */
function lastStateEntered(events: HistoryEvent[]): { name: string; input?: string } | undefined {
  for (const event of events) {
    const details = event.stateEnteredEventDetails;
    if (details?.name) return { name: details.name, ...(details.input ? { input: details.input } : {}) };
  }
  return undefined;
}
