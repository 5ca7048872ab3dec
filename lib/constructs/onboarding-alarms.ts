import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { MetricNames } from '../../functions/shared/observability/metrics';
import { alarmOnAny, closedWithoutSuccess, notify, starterFailures } from './alarms';

export interface OnboardingAlarmsProps {
  readonly stateMachine: StateMachine;
  readonly trigger: IFunction;
  /** Where alarms notify. Default: no notification (alarms still show in CloudWatch). */
  readonly alarmTopic?: ITopic;
}

/**
 * What operators are paged for: onboarding executions that failed, timed out or were aborted
 * (they need a redrive) and trigger errors (sign-ins that could not start onboarding). The attach
 * gate's alarms are GateAlarms'.
 */
export class OnboardingAlarms extends Construct {
  readonly failedExecutions: Alarm;
  readonly triggerErrors: Alarm;

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
    notify([this.failedExecutions, this.triggerErrors], props.alarmTopic);
  }
}
