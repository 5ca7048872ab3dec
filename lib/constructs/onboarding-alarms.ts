import { Metric, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, MetricNames } from '../../functions/shared/observability/metrics';
import { ALARM_PERIOD, alarmOnAny, closedWithoutSuccess, notify, starterFailures } from './alarms';

export interface OnboardingAlarmsProps {
  readonly stateMachine: StateMachine;
  readonly trigger: IFunction;
  /** The attach gate's queue: its oldest message is the longest any new user has waited for the policy. */
  readonly attachQueue: IQueue;
  /** Where alarms notify. Default: no notification (alarms still show in CloudWatch). */
  readonly alarmTopic?: ITopic;
  /** Throttled AttachPolicy calls the gate met in 5 minutes that count as sustained pressure. Default 100. */
  readonly throttledAttachThreshold?: number;
  /** Seconds the oldest message may wait in the attach gate before the alarm fires. Default 900. */
  readonly attachBacklogAgeSeconds?: number;
}

/**
 * What operators are paged for: onboarding executions that failed, timed out or were aborted
 * (they need a redrive), trigger errors (sign-ins that could not start onboarding), AttachPolicy
 * throttling that still reaches the attach gate (another caller is spending the 15 TPS account
 * quota; the gate slows down), and a backlog whose oldest message is older than the bound (new
 * users wait that long for their policy: a storm larger than the gate's rate drains, or the
 * worker is failing).
 */
export class OnboardingAlarms extends Construct {
  readonly failedExecutions: Alarm;
  readonly triggerErrors: Alarm;
  readonly throttledAttachments: Alarm;
  readonly attachBacklogAge: Alarm;

  constructor(scope: Construct, id: string, props: OnboardingAlarmsProps) {
    super(scope, id);
    this.failedExecutions = alarmOnAny(
      this,
      'FailedExecutions',
      'Onboarding executions failed, timed out or were aborted: run `npm run admin -- failed`, then `redrive --all-failed`.',
      closedWithoutSuccess(props.stateMachine),
    );
    this.triggerErrors = alarmOnAny(
      this,
      'TriggerErrors',
      'The post-authentication trigger could not start onboarding (sign-ins still succeed; the next sign-in retries).',
      starterFailures(MetricNames.TriggerErrors, [{ service: 'post-authentication', fn: props.trigger }], 'Trigger errors'),
    );
    // The attach worker counts each throttled AttachPolicy call (Powertools metrics, EMF).
    const throttled = new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: MetricNames.AttachPolicyThrottled,
      dimensionsMap: { service: 'attach-worker' },
      period: ALARM_PERIOD,
      statistic: 'Sum',
    });
    this.throttledAttachments = alarmOnAny(
      this,
      'ThrottledAttachments',
      'iot:AttachPolicy throttles the attach gate persistently: something else spends the 15 TPS account quota; onboarding slows down.',
      throttled,
      props.throttledAttachThreshold ?? 100,
    );
    this.attachBacklogAge = alarmOnAny(
      this,
      'AttachBacklogAge',
      'New users have waited longer than the bound for their IoT policy: see `npm run admin -- queue` (backlog, dead letters) and the attach worker\'s log.',
      props.attachQueue.metricApproximateAgeOfOldestMessage({ period: ALARM_PERIOD, statistic: 'Maximum' }),
      props.attachBacklogAgeSeconds ?? 900,
    );
    notify([this.failedExecutions, this.triggerErrors, this.throttledAttachments, this.attachBacklogAge], props.alarmTopic);
  }
}
