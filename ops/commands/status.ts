import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { executionArnFor } from '../../functions/onboarding/post-authentication/core';
import { errorName } from '../../functions/shared/aws/error-name';
import { executionName, offboardedMarkerTime } from '../../functions/shared/workflows/onboarding';
import type { Clients, Targets } from '../context';
import { CliError, table, type Output } from '../output';
import { latestOffboardingOf, OFFBOARDING_PAGES_SEARCHED, recentOffboardings, subOfOffboardedUser, type OffboardingExecution } from './offboardings';
import { attachedPolicyNames, userFactsIfInPool, type UserFacts } from './users';

interface ExecutionSummary {
  name: string;
  status: string;
  error?: string;
  startedAt?: string;
  stoppedAt?: string;
}

/** Where the user stands with offboarding: when it completed (if it did) and its latest execution. */
interface OffboardingStatus {
  /** When offboarding completed: the time RecordResult wrote on the user, or, for a user gone from the pool, the execution's end. */
  readonly offboardedAt: string | null;
  readonly execution: OffboardingExecution | null;
}

/**
 * `status --username U`: identity, attached policies, onboarding version, the onboarding
 * execution at this version, and offboarding: for a user offboarded (the `off-<epoch>` marker in
 * `custom:iot_onboarded`), disabled, or no longer in the pool, when and by which execution.
 */
export async function statusCommand(clients: Clients, targets: Targets, out: Output, username: string) {
  const user = await userFactsIfInPool(clients, targets, username);
  if (!user) return goneUserStatus(clients, targets, out, username);
  const policies = user.identityId ? await attachedPolicyNames(clients, user.identityId) : [];
  const lastExecution = await onboardingExecution(clients, targets, user.sub);
  const markedAt = offboardedMarkerTime(user.onboardedVersion);
  const offboarding = markedAt || !user.enabled ? await offboardingOf(clients, targets, user.sub, markedAt) : { offboardedAt: null, execution: null };
  const onboardedVersion = markedAt ? null : (user.onboardedVersion ?? null);
  const onboarded = onboardedVersion === targets.onboardingVersion && policies.includes(targets.iotPolicyName);
  const status = {
    username: user.username,
    sub: user.sub,
    inUserPool: true,
    enabled: user.enabled,
    identityId: user.identityId ?? null,
    onboardedVersion,
    currentVersion: targets.onboardingVersion,
    attachedPolicies: policies,
    onboarded,
    lastExecution,
    ...offboarding,
  };
  out.result(status, () => statusTable(user, status, targets));
  return status;
}

/** A user the pool no longer has: found through the offboarding that names them, or one clear line. */
async function goneUserStatus(clients: Clients, targets: Targets, out: Output, username: string) {
  const executions = await recentOffboardings(clients, targets);
  const sub = await subOfOffboardedUser(clients, targets, executions, username);
  if (!sub) {
    throw new CliError(`No user "${username}" in user pool ${targets.userPoolId}, and none of the latest ${OFFBOARDING_PAGES_SEARCHED * 100} offboardings was of a user by that name`);
  }
  const execution = latestOffboardingOf(executions, sub) ?? null;
  const offboardedAt = execution?.status === 'SUCCEEDED' ? (execution.stoppedAt ?? null) : null;
  const status = { username, sub, inUserPool: false, enabled: null, identityId: null, onboardedVersion: null, currentVersion: targets.onboardingVersion, attachedPolicies: [], onboarded: false, lastExecution: null, offboardedAt, execution };
  out.result(status, () =>
    table(['FIELD', 'VALUE'], [['user', username], ['sub', sub], ['in user pool', 'no (deleted)'], ['offboarded', offboardedLine({ offboardedAt, execution })]]),
  );
  return status;
}

async function offboardingOf(clients: Clients, targets: Targets, sub: string, markedAt: Date | undefined): Promise<OffboardingStatus> {
  const execution = latestOffboardingOf(await recentOffboardings(clients, targets), sub) ?? null;
  return { offboardedAt: markedAt?.toISOString() ?? null, execution };
}

/** The onboarding execution at this version (`onboard-<sub>-v<version>`), if there is one. */
async function onboardingExecution(clients: Clients, targets: Targets, sub: string): Promise<ExecutionSummary | null> {
  const name = executionName(sub, targets.onboardingVersion);
  try {
    const e = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: executionArnFor(targets.stateMachineArn, name) }));
    return {
      name,
      status: e.status ?? 'UNKNOWN',
      ...(e.error ? { error: e.error } : {}),
      ...(e.startDate ? { startedAt: e.startDate.toISOString() } : {}),
      ...(e.stopDate ? { stoppedAt: e.stopDate.toISOString() } : {}),
    };
  } catch (error) {
    if (errorName(error) !== 'ExecutionDoesNotExist') throw error;
    return null;
  }
}

/** "at <time> (<reason>) by execution <name> <STATUS>", or where an offboarding stands when it has not completed. */
function offboardedLine({ offboardedAt, execution }: OffboardingStatus): string {
  const by = execution ? `execution ${execution.executionName} ${execution.status}` : undefined;
  const reason = execution?.reason ? ` (${execution.reason})` : '';
  if (offboardedAt) return `yes, at ${offboardedAt}${reason}${by ? ` by ${by}` : ' (its execution is no longer listed)'}`;
  if (execution) return `not completed: ${by}${execution.status === 'FAILED' ? ` (npm run admin -- redrive ${execution.executionArn})` : ''}`;
  return 'no';
}

type Status = Awaited<ReturnType<typeof statusCommand>>;

function statusTable(user: UserFacts, status: Status, targets: Targets): string {
  const offboarded = status.offboardedAt !== null || status.execution !== null;
  const execution = status.lastExecution;
  return table(
    ['FIELD', 'VALUE'],
    [
      ['user', user.username],
      ['sub', user.sub],
      ['in user pool', user.enabled ? 'yes (enabled)' : 'yes (disabled)'],
      ['identity id', user.identityId ?? (status.offboardedAt ? '(none: removed by offboarding)' : '(none: never onboarded)')],
      ['onboarded version', `${status.onboardedVersion ?? (status.offboardedAt ? '(none: offboarded)' : '(none)')} (current ${targets.onboardingVersion})`],
      ['attached policies', status.attachedPolicies.join(', ') || '(none)'],
      ['onboarded', status.onboarded ? 'yes' : 'no'],
      ['onboarding execution', execution ? `${execution.name} ${execution.status}${execution.error ? ` (${execution.error})` : ''}` : '(none at this version)'],
      ...(offboarded ? [['offboarded', offboardedLine(status)]] : []),
    ],
  );
}
