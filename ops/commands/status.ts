import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { executionArnFor } from '../../functions/onboarding/post-authentication/core';
import { errorName } from '../../functions/shared/aws/error-name';
import { executionName } from '../../functions/shared/workflows/onboarding';
import type { Clients, Targets } from '../context';
import { table, type Output } from '../output';
import { attachedPolicyNames, userFacts } from './users';

/** `status --username U`: identity, attached policies, onboarding version, last execution. */
export async function statusCommand(clients: Clients, targets: Targets, out: Output, username: string) {
  const user = await userFacts(clients, targets, username);
  const policies = user.identityId ? await attachedPolicyNames(clients, user.identityId) : [];
  const name = executionName(user.sub, targets.onboardingVersion);
  let lastExecution: { name: string; status: string; error?: string; startedAt?: string; stoppedAt?: string } | undefined;
  try {
    const e = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: executionArnFor(targets.stateMachineArn, name) }));
    lastExecution = {
      name,
      status: e.status ?? 'UNKNOWN',
      ...(e.error ? { error: e.error } : {}),
      ...(e.startDate ? { startedAt: e.startDate.toISOString() } : {}),
      ...(e.stopDate ? { stoppedAt: e.stopDate.toISOString() } : {}),
    };
  } catch (error) {
    if (errorName(error) !== 'ExecutionDoesNotExist') throw error;
  }
  const onboarded = user.onboardedVersion === targets.onboardingVersion && policies.includes(targets.iotPolicyName);
  const status = {
    username: user.username,
    sub: user.sub,
    identityId: user.identityId ?? null,
    onboardedVersion: user.onboardedVersion ?? null,
    currentVersion: targets.onboardingVersion,
    attachedPolicies: policies,
    onboarded,
    lastExecution: lastExecution ?? null,
  };
  out.result(status, () =>
    table(
      ['FIELD', 'VALUE'],
      [
        ['user', user.username],
        ['sub', user.sub],
        ['identity id', user.identityId ?? '(none: never onboarded)'],
        ['onboarded version', `${user.onboardedVersion ?? '(none)'} (current ${targets.onboardingVersion})`],
        ['attached policies', policies.join(', ') || '(none)'],
        ['onboarded', onboarded ? 'yes' : 'no'],
        ['execution', lastExecution ? `${lastExecution.name} ${lastExecution.status}${lastExecution.error ? ` (${lastExecution.error})` : ''}` : '(none at this version)'],
      ],
    ),
  );
  return status;
}
