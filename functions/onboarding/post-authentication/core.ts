import type { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { ensureOnboardingExecution, executionArnFor, type EnsureAction } from '../../shared/workflows/executions';
import { MetricNames } from '../../shared/observability/metrics';
import { ONBOARDED_ATTRIBUTE } from '../../shared/workflows/onboarding';
import { reportStartFailure, type Counter, type Log } from '../../shared/observability/logging';

export interface PostAuthenticationDeps {
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly log: Log;
  readonly metrics: Counter;
  readonly config: {
    readonly stateMachineArn: string;
    readonly onboardingVersion: string;
    /** Budget for all AWS calls of one sign-in; Cognito gives the trigger 5 s. Default 3,000 ms. */
    readonly budgetMs?: number;
  };
}

/** The part of Cognito's post-authentication event the trigger reads; the rest passes through. */
const postAuthenticationEventSchema = z.object({
  triggerSource: z.string().check(z.startsWith('PostAuthentication_')),
  userPoolId: z.string().check(z.minLength(1)),
  userName: z.string().check(z.minLength(1)),
  request: z.object({
    userAttributes: z.looseObject({
      sub: z.uuid(),
      [ONBOARDED_ATTRIBUTE]: z.optional(z.string()),
    }),
  }),
});

export type OnboardingAction = EnsureAction | 'skipped-onboarded' | 'invalid-event' | 'failed';


/**
 * Decides and performs the onboarding side effect of one sign-in. Never throws: a sign-in must
 * never fail because onboarding could not start; the next sign-in tries again.
 */
export async function onPostAuthentication(event: unknown, deps: PostAuthenticationDeps): Promise<OnboardingAction> {
  const parsed = postAuthenticationEventSchema.safeParse(event);
  if (!parsed.success) {
    deps.metrics.count(MetricNames.TriggerInvalidEvents);
    deps.log.error('Post-authentication event is malformed; sign-in continues without onboarding', {
      issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      expected: 'a Cognito PostAuthentication_* event with userName, userPoolId and request.userAttributes.sub (uuid)',
    });
    return 'invalid-event';
  }
  const { userName, request } = parsed.data;
  const { sub } = request.userAttributes;
  const { onboardingVersion, stateMachineArn } = deps.config;
  if (request.userAttributes[ONBOARDED_ATTRIBUTE] === onboardingVersion) return 'skipped-onboarded';

  const abortSignal = AbortSignal.timeout(deps.config.budgetMs ?? 3_000);
  try {
    const user = { sub, username: userName, onboardedAttribute: request.userAttributes[ONBOARDED_ATTRIBUTE] };
    const action = await ensureOnboardingExecution(deps.sfn, { stateMachineArn, onboardingVersion }, user, abortSignal);
    if (action === 'started' || action === 'replaced') deps.metrics.count(MetricNames.OnboardingStarted);
    if (action === 'redriven') deps.metrics.count(MetricNames.OnboardingRedriven);
    deps.log.info('Onboarding ensured', { action, sub, onboardingVersion });
    return action;
  } catch (error) {
    reportStartFailure(deps, MetricNames.TriggerErrors, 'Could not start onboarding; the next sign-in retries', { sub, onboardingVersion }, error);
    return 'failed';
  }
}

export { executionArnFor };
