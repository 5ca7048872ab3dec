import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { MetricNames } from '../../functions/shared/observability/metrics';
import { alarmOnAny, closedWithoutSuccess, notify, starterFailures } from './alarms';
import type { OffboardingWorkflow } from './offboarding-workflow';

export interface OffboardingAlarmsProps {
  readonly workflow: OffboardingWorkflow;
  /** Where alarms notify. Default: no notification (alarms still show in CloudWatch). */
  readonly alarmTopic?: ITopic;
}

/**
 * What operators are paged for when users leave: an offboarding that failed, timed out or was
 * aborted (the user may still hold the IoT policy, devices or shadows until it is redriven), and
 * starters that could not start one (the lifecycle handler's deliveries are retried and the
 * reconciler finds the user later, but a persistent failure leaves departed users with access).
 */
export class OffboardingAlarms extends Construct {
  readonly failedExecutions: Alarm;
  readonly startErrors: Alarm;

  constructor(scope: Construct, id: string, props: OffboardingAlarmsProps) {
    super(scope, id);
    const { workflow } = props;
    this.failedExecutions = alarmOnAny(
      this,
      'FailedExecutions',
      'Offboarding executions failed, timed out or were aborted; the users may still hold IoT access: run `npm run admin -- failed --workflow offboarding`, then `redrive --all-failed --workflow offboarding`.',
      closedWithoutSuccess(workflow.stateMachine),
    );
    const starters = [
      { service: 'user-lifecycle', fn: workflow.lifecycleHandler },
      { service: 'offboard-reconciler', fn: workflow.reconciler },
    ];
    this.startErrors = alarmOnAny(
      this,
      'StartErrors',
      'Offboarding could not be started for users who were deleted or disabled (lifecycle handler or reconciler); run `npm run admin -- reconcile --dry-run` to see who still holds access.',
      starterFailures(MetricNames.OffboardingStartErrors, starters, 'Offboarding start errors'),
    );
    notify([this.failedExecutions, this.startErrors], props.alarmTopic);
  }
}
