import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, MetricNames } from '../../functions/shared/metrics';

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
    const period = Duration.minutes(5);

    this.failedExecutions = new Alarm(this, 'FailedExecutions', {
      alarmDescription: 'Onboarding executions failed, timed out or were aborted: run `npm run admin -- failed`, then `redrive --all-failed`.',
      metric: new MathExpression({
        expression: 'failed + timedOut + aborted',
        usingMetrics: {
          failed: props.stateMachine.metricFailed({ period, statistic: 'Sum' }),
          timedOut: props.stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
          aborted: props.stateMachine.metricAborted({ period, statistic: 'Sum' }),
        },
        period,
        label: 'Closed without success',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.triggerErrors = new Alarm(this, 'TriggerErrors', {
      alarmDescription: 'The post-authentication trigger could not start onboarding (sign-ins still succeed; the next sign-in retries).',
      metric: new MathExpression({
        expression: 'counted + crashed',
        usingMetrics: {
          counted: new Metric({
            namespace: METRICS_NAMESPACE,
            metricName: MetricNames.TriggerErrors,
            dimensionsMap: { service: 'post-authentication' },
            period,
            statistic: 'Sum',
          }),
          crashed: props.trigger.metricErrors({ period, statistic: 'Sum' }),
        },
        period,
        label: 'Trigger errors',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

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
    this.throttledAttachments = new Alarm(this, 'ThrottledAttachments', {
      alarmDescription: 'iot:AttachPolicy is being throttled persistently (15 TPS account quota); onboarding is slowing down.',
      metric: throttled.metric({ period, statistic: 'Sum' }),
      threshold: props.throttledAttachThreshold ?? 100,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    if (props.alarmTopic) {
      const action: IAlarmAction = new SnsAction(props.alarmTopic);
      for (const alarm of [this.failedExecutions, this.triggerErrors, this.throttledAttachments]) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
  }
}
