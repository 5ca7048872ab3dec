import type { SFNClient } from '@aws-sdk/client-sfn';
import type { EnsureAction } from '../../shared/workflows/executions';
import { parseUserLifecycleEvent } from '../../shared/identity/lifecycle-events';
import { MetricNames } from '../../shared/observability/metrics';
import { OffboardingReasons, startOffboarding } from '../../shared/workflows/offboarding';
import { reportStartFailure, type Counter, type Log } from '../../shared/observability/logging';

export interface UserLifecycleDeps {
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly log: Log;
  readonly metrics: Counter;
  readonly config: {
    readonly stateMachineArn: string;
    /** The product's user pool: Admin* events of other pools in the account are ignored. */
    readonly userPoolId: string;
  };
}

export type LifecycleAction = EnsureAction | 'ignored' | 'other-pool';

/**
 * Target of the EventBridge rule on Cognito's CloudTrail events: a user was deleted or disabled,
 * so their offboarding starts. The execution name comes from the event's `sub`, reason and time,
 * so EventBridge's at-least-once duplicates converge on one execution. Throws when the start
 * fails, so the asynchronous invocation is retried (the reconciler is the backstop after that).
 */
export async function onUserLifecycleEvent(event: unknown, deps: UserLifecycleDeps): Promise<LifecycleAction> {
  const parsed = parseUserLifecycleEvent(event);
  if (!parsed) {
    deps.metrics.count(MetricNames.OffboardingIgnoredEvents);
    deps.log.warn('Not a user lifecycle event of Cognito; ignored', { detailType: (event as { 'detail-type'?: unknown })?.['detail-type'] });
    return 'ignored';
  }
  const { detail } = parsed;
  // DeleteUser (a user deleting themselves) carries no user pool id: the sub is the key.
  const poolId = detail.requestParameters?.userPoolId;
  if (poolId !== undefined && poolId !== deps.config.userPoolId) return 'other-pool';
  const reason = detail.eventName === 'AdminDisableUser' ? OffboardingReasons.Disabled : OffboardingReasons.Deleted;
  const sub = detail.additionalEventData.sub;
  try {
    const action = await startOffboarding(deps.sfn, deps.config.stateMachineArn, { sub, reason }, new Date(detail.eventTime));
    if (action === 'started' || action === 'replaced' || action === 'redriven') deps.metrics.count(MetricNames.OffboardingStarted);
    deps.log.info('Offboarding ensured', { action, sub, reason, eventName: detail.eventName, eventId: detail.eventID });
    return action;
  } catch (error) {
    reportStartFailure(deps, MetricNames.OffboardingStartErrors, 'Could not start offboarding; the invocation is retried, then the reconciler finds the user', { sub, reason }, error);
    throw error;
  }
}
