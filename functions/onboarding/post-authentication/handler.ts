import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import type { Context, PostAuthenticationTriggerEvent } from 'aws-lambda';
import { clientConfig } from '../../shared/aws/clients';
import { ConfigVars, loadConfig } from '../../shared/aws/config';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { createCounter, createLogger } from '../../shared/observability/logging';
import { invokeChainedTrigger } from './chain';
import { onPostAuthentication } from './core';

const config = loadConfig({
  STATE_MACHINE_ARN: ConfigVars.arn('states'),
  ONBOARDING_VERSION: ConfigVars.onboardingVersion(),
  CHAINED_TRIGGER_ARN: z.optional(z.string().check(z.regex(/^arn:aws[\w-]*:lambda:/, 'expected a Lambda function ARN'))),
});
const log = createLogger('post-authentication');
const metrics = createCounter('post-authentication');
// Cognito waits 5 s for the trigger and retries it up to 3 times; stay far inside that.
const budget = FunctionBudgets.postAuthentication;
const sfn = new SFNClient(clientConfig(budget.sdk));
// An adopted pool's own trigger, called after the product's part (which never fails a sign-in);
// bounded by what is left of the invocation, not by the request timeout.
const chained = config.CHAINED_TRIGGER_ARN ? { arn: config.CHAINED_TRIGGER_ARN, lambda: new LambdaClient(clientConfig({ connectionTimeoutMs: 500, requestTimeoutMs: 4_500, maxAttempts: 1 })) } : undefined;
/** Left for the answer to Cognito after the chained trigger: Cognito waits 5 s for the whole. */
const ANSWER_MARGIN_MS = 300;

/**
 * Cognito post-authentication trigger: starts onboarding (never failing the sign-in), then, on an
 * adopted pool that had a trigger of its own, runs that one and returns its answer.
 */
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
  if (!chained) return event;
  return invokeChainedTrigger(chained.lambda, chained.arn, event, AbortSignal.timeout(Math.max(1, context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS)));
};
