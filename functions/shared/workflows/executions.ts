import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  RedriveExecutionCommand,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { errorName } from '../aws/error-name';
import { onboardingExecutionNameFor, replacementExecutionName, type OnboardingInput } from './onboarding';

/** What ensuring a deterministic execution did. */
export type EnsureAction = 'started' | 'already-running' | 'already-succeeded' | 'redriven' | 'replaced';

export interface EnsureExecutionRequest {
  readonly stateMachineArn: string;
  /** Deterministic name: duplicates of one request converge on one execution. */
  readonly name: string;
  /** Deterministic input (StartExecution with a running execution's name only succeeds with the same input). */
  readonly input: object;
  readonly abortSignal?: AbortSignal;
  /** Fresh executions started in place of closed ones that cannot be redriven. Default 2. */
  readonly maxReplacements?: number;
}

/**
 * Makes sure the named execution runs or has run: starts it; leaves a running or succeeded one
 * alone; redrives a failed one (it resumes at the failed state); replaces one that can no longer
 * be redriven with a fresh execution whose name derives from the closed one's stop time, so
 * concurrent callers converge on the same replacement. Used by both workflows' starters.
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
    // Running + same name + same input → success, returns the running execution (StartExecution API).
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
      // This name's work is done; a caller that wants it done again picks a new name.
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
  const maxReplacements = request.maxReplacements ?? 2;
  if (replacements >= maxReplacements) {
    throw new Error(`Execution ${name} is closed and its replacements are exhausted (${maxReplacements})`);
  }
  const stoppedAt = execution.stopDate ?? execution.startDate ?? new Date(0);
  return ensureNamed(sfn, request, replacementExecutionName(name, stoppedAt), replacements + 1);
}

/**
 * The user's onboarding at a version, exactly as every starter derives it (the sign-in trigger,
 * the API's self-healing): the name from `onboardingExecutionNameFor` (a fresh one after an
 * offboarding marker), the same input, at most 2 replacements.
 */
export function ensureOnboardingExecution(
  sfn: Pick<SFNClient, 'send'>,
  target: { readonly stateMachineArn: string; readonly onboardingVersion: string },
  user: { readonly sub: string; readonly username: string; readonly onboardedAttribute?: string | undefined },
  abortSignal?: AbortSignal,
): Promise<EnsureAction> {
  const input: OnboardingInput = { username: user.username, sub: user.sub, onboardingVersion: target.onboardingVersion };
  const name = onboardingExecutionNameFor(user.sub, target.onboardingVersion, user.onboardedAttribute);
  return ensureExecution(sfn, { stateMachineArn: target.stateMachineArn, name, input, maxReplacements: 2, ...(abortSignal ? { abortSignal } : {}) });
}

/** `arn:aws:states:r:a:stateMachine:M` + name → `arn:aws:states:r:a:execution:M:name`. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
