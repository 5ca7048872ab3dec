import { executionArnFor } from '../../functions/shared/workflows/executions';
import { offboardingExecutionName, OffboardingReasons, startOffboarding } from '../../functions/shared/workflows/offboarding';
import type { Clients, Targets } from '../context';
import { CliError, type Output } from '../output';
import { userFacts } from './users';

/**
 * `offboard --username U`: starts offboarding for one user now. The user must be disabled
 * (AdminDisableUser): the workflow leaves enabled users alone, since their next sign-in would
 * onboard them again. Deleted users are found by the reconciler (`reconcile`).
 */
export async function offboardCommand(clients: Clients, targets: Targets, out: Output, username: string, now = new Date()) {
  const user = await userFacts(clients, targets, username);
  if (user.enabled) {
    throw new CliError(`User "${username}" is enabled: disable it first (aws cognito-idp admin-disable-user); offboarding leaves enabled users alone`);
  }
  const input = { sub: user.sub, reason: OffboardingReasons.Operator };
  const action = await startOffboarding(clients.sfn, targets.offboardingStateMachineArn, input, now);
  const name = offboardingExecutionName(input, now);
  const result = { username, sub: user.sub, action, executionArn: executionArnFor(targets.offboardingStateMachineArn, name) };
  out.result(result, () => `Offboarding ${action} for ${username}: ${name}`);
  return result;
}
