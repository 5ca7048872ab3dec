import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, MetricNames } from '../../functions/shared/observability/metrics';
import { ALARM_PERIOD, alarmOnAny, closedWithoutSuccess, notify, starterFailures } from './alarms';

export interface OnboardingAlarmsProps {
  readonly stateMachine: StateMachine;
  readonly executionLogs: ILogGroup;
  readonly trigger: IFunction;
  /** Where alarms notify. Default: no notification (alarms still show in CloudWatch). */
  readonly alarmTopic?: ITopic;
  /** Throttled AttachPolicy attempts in 5 minutes that count as sustained pressure. Default 100. */
  readonly throttledAttachThreshold?: number;
}

/**
 * What operators are paged for: onboarding executions that failed, timed out or were aborted
 * (they need a redrive), trigger errors (sign-ins that could not start onboarding), and
 * sustained throttling of iot:AttachPolicy (the 15 TPS account quota).
 */
export class OnboardingAlarms extends Construct {
  readonly failedExecutions: Alarm;
  readonly triggerErrors: Alarm;
  readonly throttledAttachments: Alarm;

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
    // With logging level ALL, each failed attempt is a TaskFailed event carrying the error name.
    const throttled = new MetricFilter(this, 'AttachThrottledFilter', {
      logGroup: props.executionLogs,
      filterPattern: FilterPattern.all(
        FilterPattern.stringValue('$.type', '=', 'TaskFailed'),
        FilterPattern.stringValue('$.details.error', '=', 'Iot.ThrottlingException'),
      ),
      metricNamespace: METRICS_NAMESPACE,
      metricName: MetricNames.AttachPolicyThrottled,
      metricValue: '1',
      defaultValue: 0,
    });
    this.throttledAttachments = alarmOnAny(
      this,
      'ThrottledAttachments',
      'iot:AttachPolicy is being throttled persistently (15 TPS account quota); onboarding is slowing down.',
      throttled.metric({ period: ALARM_PERIOD, statistic: 'Sum' }),
      props.throttledAttachThreshold ?? 100,
    );
    notify([this.failedExecutions, this.triggerErrors, this.throttledAttachments], props.alarmTopic);
  }
}
