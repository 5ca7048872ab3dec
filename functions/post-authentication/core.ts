import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  RedriveExecutionCommand,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import {
  executionName,
  ONBOARDED_ATTRIBUTE,
  replacementExecutionName,
  type OnboardingInput,
} from '../shared/onboarding';
import type { Counter, Log } from '../shared/observability';

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

export type OnboardingAction =
  | 'skipped-onboarded'
  | 'started'
  | 'already-running'
  | 'already-succeeded'
  | 'redriven'
  | 'replaced'
  | 'invalid-event'
  | 'failed';

/** Metric names (CloudWatch alarms in lib/ watch `OnboardingTriggerErrors`). */
export const TriggerMetrics = {
  Errors: 'OnboardingTriggerErrors',
  InvalidEvents: 'OnboardingTriggerInvalidEvents',
  Started: 'OnboardingStarted',
  Redriven: 'OnboardingRedriven',
} as const;

/** Replacement chains are short; this bounds the calls one sign-in can make. */
const MAX_REPLACEMENTS = 2;

/**
 * Decides and performs the onboarding side effect of one sign-in. Never throws: a sign-in must
 * never fail because onboarding could not start; the next sign-in tries again.
 */
export async function onPostAuthentication(event: unknown, deps: PostAuthenticationDeps): Promise<OnboardingAction> {
  const parsed = postAuthenticationEventSchema.safeParse(event);
  if (!parsed.success) {
    deps.metrics.count(TriggerMetrics.InvalidEvents);
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

  const input: OnboardingInput = { username: userName, sub, onboardingVersion };
  const abortSignal = AbortSignal.timeout(deps.config.budgetMs ?? 3_000);
  try {
    const action = await ensureExecution(deps, stateMachineArn, executionName(sub, onboardingVersion), input, abortSignal, 0);
    if (action === 'started' || action === 'replaced') deps.metrics.count(TriggerMetrics.Started);
    if (action === 'redriven') deps.metrics.count(TriggerMetrics.Redriven);
    deps.log.info('Onboarding ensured', { action, sub, onboardingVersion });
    return action;
  } catch (error) {
    deps.metrics.count(TriggerMetrics.Errors);
    deps.log.error('Could not start onboarding; the next sign-in retries', {
      sub,
      onboardingVersion,
      error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
    });
    return 'failed';
  }
}

async function ensureExecution(
  deps: PostAuthenticationDeps,
  stateMachineArn: string,
  name: string,
  input: OnboardingInput,
  abortSignal: AbortSignal,
  replacements: number,
): Promise<OnboardingAction> {
  try {
    // Running + same name + same input → success, returns the running execution (StartExecution API).
    await deps.sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }), { abortSignal });
    return replacements > 0 ? 'replaced' : 'started';
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists) && (error as Error).name !== 'ExecutionAlreadyExists') throw error;
  }
  // Closed execution with this name (or running with other input): look at it.
  const executionArn = executionArnFor(stateMachineArn, name);
  const execution = await deps.sfn.send(new DescribeExecutionCommand({ executionArn }), { abortSignal });
  switch (execution.status) {
    case 'RUNNING':
    case 'PENDING_REDRIVE':
      return 'already-running';
    case 'SUCCEEDED':
      // This name is this version's onboarding: the user is onboarded, the event is just older
      // than MarkOnboarded (Cognito retries a slow trigger with the original event). Starting a
      // replacement here would onboard the user twice; operators re-run one with `admin onboard`.
      return 'already-succeeded';
    default:
      if (execution.redriveStatus !== 'NOT_REDRIVABLE') {
        try {
          await deps.sfn.send(new RedriveExecutionCommand({ executionArn }), { abortSignal });
          return 'redriven';
        } catch (error) {
          if ((error as Error).name !== 'ExecutionNotRedrivable') throw error;
        }
      }
  }
  if (replacements >= MAX_REPLACEMENTS) {
    throw new Error(`Execution ${name} is closed and its replacements are exhausted (${MAX_REPLACEMENTS})`);
  }
  const stoppedAt = execution.stopDate ?? execution.startDate ?? new Date(0);
  return ensureExecution(deps, stateMachineArn, replacementExecutionName(name, stoppedAt), input, abortSignal, replacements + 1);
}

/** `arn:aws:states:r:a:stateMachine:M` + name → `arn:aws:states:r:a:execution:M:name`. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
