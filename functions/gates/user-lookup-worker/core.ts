import { errorMessage, errorName } from '../../shared/aws/error-name';
import { ErrorNames } from '../../shared/aws/errors';
import { answerTask } from '../../shared/gates/answer';
import { drainBatch, type BatchResponse, type GateBatchDeps, type GateOutcome, type SqsRecord } from '../../shared/gates/batch';
import { parseUserLookupMessage, type UserLookupMessage } from '../../shared/gates/messages';
import { MetricNames } from '../../shared/observability/metrics';
import { checkIdentity, type CheckDeps } from '../../offboarding/reconciler/core';
import { resolveOffboarding } from '../../offboarding/resolve/core';

export interface UserLookupWorkerDeps extends GateBatchDeps, CheckDeps {
  readonly identityPoolId: string;
  readonly userPoolId: string;
  readonly offboardingStateMachineArn: string;
}

/**
 * The user-lookup gate's consumer (design section 10): every Cognito ListUsers of offboarding and
 * of the reconciler, at the gate's pace. A `resolve` message is offboarding's ResolveIdentity
 * (functions/offboarding/resolve/core.ts), answered with its result or its named error; a
 * `check` message is one identity of the reconciler's scan, whose offboarding it starts when the
 * user is gone or disabled (nobody waits for it). Throttling slows the gate and is tried again.
 */
export function userLookupBatch(records: readonly SqsRecord[], deps: UserLookupWorkerDeps): Promise<BatchResponse> {
  return drainBatch(records, parseUserLookupMessage, (message) => serve(message, deps), deps);
}

async function serve(message: UserLookupMessage, deps: UserLookupWorkerDeps): Promise<GateOutcome> {
  let result: unknown;
  try {
    if ('taskToken' in message) result = await resolveOffboarding(message.input, deps);
    else await checkIdentity(deps, { ...deps, dryRun: false }, message.check.identityId, new Date(message.check.windowStart));
  } catch (error) {
    const name = errorName(error);
    if (name === ErrorNames.UpstreamThrottled) {
      deps.metrics.count(MetricNames.GateThrottled);
      return 'throttled';
    }
    if (name === ErrorNames.UpstreamUnavailable) return 'transient';
    if (!('taskToken' in message)) {
      deps.log.error('Reconciler check refused; the next run checks again', { identityId: message.check.identityId, error: name });
      return 'done';
    }
    // InvalidInput, IdentityMismatch, UpstreamRejected: what the task's Lambda threw before the gate.
    deps.log.error('ResolveIdentity refused; the execution fails at ResolveIdentity', { error: name });
    return answerTask(deps.sfn, deps.log, message.taskToken, { error: name, cause: errorMessage(error) });
  }
  return 'taskToken' in message ? answerTask(deps.sfn, deps.log, message.taskToken, { output: result }) : 'done';
}
