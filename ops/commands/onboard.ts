import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { executionName, replacementExecutionName, type OnboardingInput } from '../../functions/shared/workflows/onboarding';
import type { Clients, Targets } from '../context';
import type { Output } from '../output';
import { userFacts } from './users';

/** `onboard --username U`: starts a fresh onboarding now (e.g. after a policy change). */
export async function onboardCommand(clients: Clients, targets: Targets, out: Output, username: string, now = new Date()) {
  const user = await userFacts(clients, targets, username);
  const input: OnboardingInput = { username: user.username, sub: user.sub, onboardingVersion: targets.onboardingVersion };
  // A fresh name: the deterministic one may be taken by a closed execution of this version.
  const name = replacementExecutionName(executionName(user.sub, targets.onboardingVersion), now);
  const started = await clients.sfn.send(
    new StartExecutionCommand({ stateMachineArn: targets.stateMachineArn, name, input: JSON.stringify(input) }),
  );
  const result = { username, executionArn: started.executionArn, name };
  out.result(result, () => `Started ${name} for ${username}.\nFollow it with: npm run admin -- status --username ${username}`);
  return result;
}
