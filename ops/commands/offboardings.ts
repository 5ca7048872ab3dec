import { DescribeExecutionCommand, ListExecutionsCommand, type ExecutionListItem } from '@aws-sdk/client-sfn';
import { errorName } from '../../functions/shared/aws/error-name';
import { executionArnFor } from '../../functions/shared/workflows/executions';
import { offboardingExecutionPrefix, parseOffboardingExecutionName, type OffboardingReason } from '../../functions/shared/workflows/offboarding';
import { executionName } from '../../functions/shared/workflows/onboarding';
import type { Clients, Targets } from '../context';

/**
 * How far `status` looks back through the offboarding workflow's executions (ListExecutions,
 * newest first, 100 a page): offboardings are rare next to sign-ins, and Step Functions keeps
 * closed executions for 90 days anyway.
 */
export const OFFBOARDING_PAGES_SEARCHED = 10;
/** A deleted user is found by reading the onboarding execution of each offboarded sub: at most this many. */
export const DELETED_USER_CANDIDATES = 100;

/** One offboarding execution, as `status` shows it. */
export interface OffboardingExecution {
  readonly executionName: string;
  readonly executionArn: string;
  readonly status: string;
  readonly reason?: OffboardingReason;
  readonly startedAt?: string;
  readonly stoppedAt?: string;
}

/** The offboarding workflow's latest executions, newest first (at most OFFBOARDING_PAGES_SEARCHED pages). */
export async function recentOffboardings(clients: Clients, targets: Targets): Promise<ExecutionListItem[]> {
  const found: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < OFFBOARDING_PAGES_SEARCHED; page++) {
    const listed = await clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: targets.offboardingStateMachineArn, maxResults: 100, nextToken }));
    found.push(...(listed.executions ?? []));
    nextToken = listed.nextToken;
    if (!nextToken) break;
  }
  return found;
}

/** The latest offboarding of a sub: the newest execution whose name is `offboard-<sub>-…`. */
export function latestOffboardingOf(executions: readonly ExecutionListItem[], sub: string): OffboardingExecution | undefined {
  const prefix = offboardingExecutionPrefix(sub);
  const latest = executions.find((e) => e.name?.startsWith(prefix));
  if (!latest?.name || !latest.executionArn) return undefined;
  const reason = parseOffboardingExecutionName(latest.name)?.reason;
  return {
    executionName: latest.name,
    executionArn: latest.executionArn,
    status: latest.status ?? 'UNKNOWN',
    ...(reason ? { reason } : {}),
    ...(latest.startDate ? { startedAt: latest.startDate.toISOString() } : {}),
    ...(latest.stopDate ? { stoppedAt: latest.stopDate.toISOString() } : {}),
  };
}

/**
 * The sub of a user who is no longer in the pool, if an offboarding names it: the pool forgets a
 * deleted user's name and CloudTrail records only the sub, but the onboarding execution of each
 * offboarded sub (`onboard-<sub>-v<version>`, a deterministic name) carries the username in its
 * input. Newest offboardings first, at most DELETED_USER_CANDIDATES of them.
 */
export async function subOfOffboardedUser(clients: Clients, targets: Targets, executions: readonly ExecutionListItem[], username: string): Promise<string | undefined> {
  const subs = [...new Set(executions.map((e) => parseOffboardingExecutionName(e.name ?? '')?.who).filter((who): who is string => who !== undefined))];
  for (const sub of subs.slice(0, DELETED_USER_CANDIDATES)) {
    const arn = executionArnFor(targets.stateMachineArn, executionName(sub, targets.onboardingVersion));
    try {
      const onboarding = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
      if (usernameOf(onboarding.input) === username) return sub;
    } catch (error) {
      if (errorName(error) !== 'ExecutionDoesNotExist') throw error;
    }
  }
  return undefined;
}

function usernameOf(input: string | undefined): string | undefined {
  try {
    const value = (JSON.parse(input ?? '{}') as { username?: unknown }).username;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
