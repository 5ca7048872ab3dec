import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context, PostAuthenticationTriggerEvent } from 'aws-lambda';
import { clientConfig } from '../../shared/aws/clients';
import { ConfigVars, loadConfig } from '../../shared/aws/config';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { createCounter, createLogger } from '../../shared/observability/logging';
import { onPostAuthentication } from './core';

const config = loadConfig({
  STATE_MACHINE_ARN: ConfigVars.arn('states'),
  ONBOARDING_VERSION: ConfigVars.onboardingVersion(),
});
const log = createLogger('post-authentication');
const metrics = createCounter('post-authentication');
// Cognito waits 5 s for the trigger and retries it up to 3 times; stay far inside that.
const budget = FunctionBudgets.postAuthentication;
const sfn = new SFNClient(clientConfig(budget.sdk));

/** Cognito post-authentication trigger: returns the event unchanged, always. */
export const handler = async (event: PostAuthenticationTriggerEvent, context: Context): Promise<PostAuthenticationTriggerEvent> => {
  log.addContext(context);
  try {
    await onPostAuthentication(event, {
      sfn,
      log,
      metrics,
      config: { stateMachineArn: config.STATE_MACHINE_ARN, onboardingVersion: config.ONBOARDING_VERSION, budgetMs: budget.abortAfterMs },
    });
  } finally {
    metrics.flush();
  }
  return event;
};
