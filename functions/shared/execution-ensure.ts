import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  RedriveExecutionCommand,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { errorName } from './error-name';
import { executionName, replacementExecutionName, type OnboardingInput } from './onboarding';

/** What ensuring a deterministic execution did. */
export type EnsureAction = 'started' | 'already-running' | 'already-succeeded' | 'redriven' | 'replaced';

export interface EnsureExecutionRequest {
  readonly stateMachineArn: string;
  /** The deterministic name every caller derives alike for this unit of work. */
  readonly name: string;
  /** Deterministic input (the same for every caller), serialized as given. */
  readonly input: unknown;
  readonly abortSignal?: AbortSignal;
}

/** Replacement chains are short; this bounds the calls one ensure can make. */
export const MAX_REPLACEMENTS = 2;

/**
 * Makes sure the execution named `name` runs or has succeeded, whoever asks (the sign-in trigger,
 * the API, the lifecycle handler, operators): start it; a running one is left alone; a failed one
 * is redriven; one that can no longer be redriven is replaced under a name derived from its stop
 * time, so concurrent callers converge on one replacement. Throws on AWS failures.
 */
export async function ensureExecution(sfn: Pick<SFNClient, 'send'>, request: EnsureExecutionRequest): Promise<EnsureAction> {
  return ensureNamed(sfn, request, request.name, 0);
}

async function ensureNamed(
  sfn: Pick<SFNClient, 'send'>,
  request: EnsureExecutionRequest,
  name: string,
  replacements: number,
): Promise<EnsureAction> {
  const { stateMachineArn, abortSignal } = request;
  const options = abortSignal ? { abortSignal } : {};
  try {
    // Running + same name + same input → success, returns the running execution (StartExecution API,
    // https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(request.input) }), options);
    return replacements > 0 ? 'replaced' : 'started';
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists) && errorName(error) !== 'ExecutionAlreadyExists') throw error;
  }
  // Closed execution with this name (or running with other input): look at it.
  const executionArn = executionArnFor(stateMachineArn, name);
  const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }), options);
  switch (execution.status) {
    case 'RUNNING':
    case 'PENDING_REDRIVE':
      return 'already-running';
    case 'SUCCEEDED':
      // This name's work is done. A caller holding an older view (Cognito retries a slow trigger
      // with the original event) must not start it again; operators re-run one on purpose.
      return 'already-succeeded';
    default:
      if (execution.redriveStatus !== 'NOT_REDRIVABLE') {
        try {
          await sfn.send(new RedriveExecutionCommand({ executionArn }), options);
          return 'redriven';
        } catch (error) {
          if (errorName(error) !== 'ExecutionNotRedrivable') throw error;
        }
      }
  }
  if (replacements >= MAX_REPLACEMENTS) {
    throw new Error(`Execution ${name} is closed and its replacements are exhausted (${MAX_REPLACEMENTS})`);
  }
  const stoppedAt = execution.stopDate ?? execution.startDate ?? new Date(0);
  return ensureNamed(sfn, request, replacementExecutionName(name, stoppedAt), replacements + 1);
}

/**
 * The user's onboarding at a version: `onboard-<sub>-v<version>` with the input every caller
 * derives alike (design section 2). Used by the sign-in trigger and by the API's self-healing.
 */
export function ensureOnboardingExecution(
  sfn: Pick<SFNClient, 'send'>,
  target: { readonly stateMachineArn: string; readonly onboardingVersion: string },
  user: { readonly sub: string; readonly username: string },
  abortSignal?: AbortSignal,
): Promise<EnsureAction> {
  const input: OnboardingInput = { username: user.username, sub: user.sub, onboardingVersion: target.onboardingVersion };
  const name = executionName(user.sub, target.onboardingVersion);
  return ensureExecution(sfn, { stateMachineArn: target.stateMachineArn, name, input, ...(abortSignal ? { abortSignal } : {}) });
}

/** `arn:aws:states:r:a:stateMachine:M` + name → `arn:aws:states:r:a:execution:M:name`. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
