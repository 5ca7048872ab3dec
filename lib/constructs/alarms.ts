import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/shared/observability/metrics';

/** Every operational alarm looks at 5-minute sums. */
export const ALARM_PERIOD = Duration.minutes(5);

/** An alarm that fires on one occurrence of `metric` in a period, and treats no data as fine. */
export function alarmOnAny(scope: Construct, id: string, description: string, metric: IMetric, threshold = 1): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: description,
    metric,
    threshold,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}

/**
 * The sum of `metrics`, each missing period counted as 0: these metrics are published only when
 * something happens, and without FILL a period where one of them has no data point would have no
 * sum at all, so the alarm would miss what the others counted.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
 */
export function sumOf(metrics: Readonly<Record<string, IMetric>>, label: string): IMetric {
  const expression = Object.keys(metrics).map((id) => `FILL(${id}, 0)`).join(' + ');
  return new MathExpression({ expression, usingMetrics: { ...metrics }, period: ALARM_PERIOD, label });
}

/** Executions of `stateMachine` that failed, timed out or were aborted (each needs an operator). */
export function closedWithoutSuccess(stateMachine: StateMachine): IMetric {
  const sum = { period: ALARM_PERIOD, statistic: 'Sum' };
  return sumOf({ failed: stateMachine.metricFailed(sum), timedOut: stateMachine.metricTimedOut(sum), aborted: stateMachine.metricAborted(sum) }, 'Closed without success');
}

/**
 * Failures of the functions that start executions: the `metricName` count each publishes (EMF,
 * dimension `service`, functions/shared/observability/logging.ts) plus the invocations that crashed.
 */
export function starterFailures(metricName: string, starters: ReadonlyArray<{ service: string; fn: IFunction }>, label: string): IMetric {
  const usingMetrics: Record<string, IMetric> = {};
  starters.forEach(({ service, fn }, i) => {
    usingMetrics[`counted${i}`] = new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service }, period: ALARM_PERIOD, statistic: 'Sum' });
    usingMetrics[`crashed${i}`] = fn.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' });
  });
  return sumOf(usingMetrics, label);
}

/** Sends the alarms' ALARM and OK transitions to `topic`, if one is given. */
export function notify(alarms: readonly Alarm[], topic: ITopic | undefined): void {
  if (!topic) return;
  const action = new SnsAction(topic);
  for (const alarm of alarms) {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}
