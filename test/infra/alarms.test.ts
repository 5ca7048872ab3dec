import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { IotOnboardingStack } from '../../lib/iot-onboarding-stack';
import { logicalIdOf, synthesize, testApp } from './synth';

let s: ReturnType<typeof synthesize>;
beforeAll(() => {
  s = synthesize({ iotDataEndpoint: 'https://abc-ats.iot.us-east-1.amazonaws.com' });
});

const alarms = () => Object.values(s.resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
/** The alarm's metric-math expression (the one entry of Metrics that has one). */
const expressionOf = (alarm: { Properties?: Record<string, unknown> }) =>
  ((alarm.Properties?.Metrics as Array<{ Expression?: string }>) ?? []).find((m) => m.Expression)?.Expression;
const metricsOf = (alarm: { Properties?: Record<string, unknown> }) =>
  JSON.stringify((alarm.Properties?.Metrics as unknown[]) ?? alarm.Properties);

describe('operational alarms', () => {
  /** The alarm whose logical id starts with `prefix` (the construct path: Alarms… or OffboardingAlarms…). */
  const alarmOf = (prefix: string): { Properties?: Record<string, unknown> } => {
    const ids = Object.keys(s.resources).filter((id) => id.startsWith(prefix) && s.resources[id]?.Type === 'AWS::CloudWatch::Alarm');
    expect(ids).toHaveLength(1);
    return s.resources[ids[0] as string] ?? {};
  };

  it.each([
    ['onboarding', 'AlarmsFailedExecutions', 'OnboardingStateMachine'],
    ['offboarding', 'OffboardingAlarmsFailedExecutions', 'OffboardingStateMachine'],
  ])('alarms on %s executions that failed, timed out or were aborted', (_workflow, alarmFragment, machineFragment) => {
    const alarm = alarmOf(alarmFragment);
    const metrics = metricsOf(alarm);
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) expect(metrics).toContain(metric);
    // Each is published only when it happens: a missing one counts 0 instead of voiding the sum.
    expect(expressionOf(alarm)).toBe('FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)');
    expect(metrics).toContain(logicalIdOf(s.resources, 'AWS::StepFunctions::StateMachine', machineFragment));
    expect(alarm.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
  });

  it('alarms on trigger errors, counted or crashed', () => {
    const metrics = metricsOf(alarmOf('AlarmsTriggerErrors'));
    expect(metrics).toContain('"MetricName":"OnboardingTriggerErrors"');
    expect(metrics).toContain('"Namespace":"IotOnboarding"');
    expect(metrics).toContain('{"Name":"service","Value":"post-authentication"}');
    expect(metrics).toContain(logicalIdOf(s.resources, 'AWS::Lambda::Function', 'OnboardingPostAuthentication'));
    expect(alarmOf('AlarmsTriggerErrors').Properties?.Threshold).toBe(1);
  });

  it('alarms when offboarding could not start, counted by the lifecycle handler or the reconciler, or either crashed', () => {
    const alarm = alarmOf('OffboardingAlarmsStartErrors');
    const metrics = metricsOf(alarm);
    expect(metrics.match(/"MetricName":"OffboardingStartErrors"/g)).toHaveLength(2);
    for (const service of ['user-lifecycle', 'offboard-reconciler']) expect(metrics).toContain(`{"Name":"service","Value":"${service}"}`);
    for (const fn of ['OffboardingLifecycleHandler', 'OffboardingReconciler']) expect(metrics).toContain(logicalIdOf(s.resources, 'AWS::Lambda::Function', fn));
    expect(metrics.match(/"MetricName":"Errors"/g)).toHaveLength(2);
    expect(expressionOf(alarm)).toBe('FILL(counted0, 0) + FILL(crashed0, 0) + FILL(counted1, 0) + FILL(crashed1, 0)');
    expect(alarm.Properties?.Threshold).toBe(1);
  });

  it.each([
    ['attach', 'OnboardingAttachGateQueue'],
    ['detach', 'OffboardingDetachGateQueue'],
    ['user-lookup', 'OffboardingUserLookupGateQueue'],
    ['device-release', 'OffboardingDeviceReleaseGateQueue'],
  ])("alarms on the %s gate: sustained throttling counted by its worker, and its oldest message older than 15 minutes", (gate, queue) => {
    const throttled = alarms().find((a) => a.Properties?.MetricName === 'GateThrottled' && JSON.stringify(a.Properties?.Dimensions).includes(`"${gate}-gate"`));
    expect(throttled?.Properties).toMatchObject({ Namespace: 'IotOnboarding', Dimensions: [{ Name: 'service', Value: `${gate}-gate` }], Statistic: 'Sum', Threshold: 100 });
    const age = alarms().find((a) => a.Properties?.MetricName === 'ApproximateAgeOfOldestMessage' && JSON.stringify(a.Properties?.Dimensions).includes(logicalIdOf(s.resources, 'AWS::SQS::Queue', queue)));
    expect(age?.Properties).toMatchObject({ Namespace: 'AWS/SQS', Statistic: 'Maximum', Threshold: 900 });
  });

  it('notifies nobody unless a topic is given', () => {
    expect(alarms().every((a) => a.Properties?.AlarmActions === undefined)).toBe(true);
  });

  it('notifies the given SNS topic on alarm and recovery', () => {
    const app = testApp();
    const topicStack = new Stack(app, 'Ops');
    const topic = new Topic(topicStack, 'Pager');
    const stack = new IotOnboardingStack(app, 'WithTopic', { alarmTopic: topic, iotDataEndpoint: 'https://x-ats.iot.us-east-1.amazonaws.com' });
    const withTopic = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    const topicAlarms = Object.values(withTopic).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(topicAlarms).toHaveLength(12); // 2 onboarding, 2 offboarding, 2 for each of the 4 gates
    for (const alarm of topicAlarms) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
      expect(alarm.Properties.OKActions).toHaveLength(1);
    }
  });
});

describe('IoT logging', () => {
  it('is off unless asked for (it is account-wide)', () => {
    expect(Object.values(s.resources).some((r) => r.Type === 'AWS::IoT::Logging')).toBe(false);
  });

  it('sends IoT Core logs to AWSIotLogsV2 at the requested level, with a role scoped to that group', () => {
    const withLogs = synthesize({ iotDataEndpoint: 'https://abc-ats.iot.us-east-1.amazonaws.com', iotLogLevel: 'ERROR' });
    withLogs.template.hasResourceProperties('AWS::IoT::Logging', { DefaultLogLevel: 'ERROR' });
    const roleId = logicalIdOf(withLogs.resources, 'AWS::IAM::Role', 'IotLoggingRole');
    const statements = JSON.stringify(withLogs.resources[roleId]?.Properties?.Policies);
    expect(statements).toContain('log-group:AWSIotLogsV2:*');
    expect(withLogs.resources[roleId]?.Properties?.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Principal: { Service: 'iot.amazonaws.com' } }],
    });
  });

  it('refuses an unknown log level', () => {
    expect(() => synthesize({ iotLogLevel: 'LOUD' })).toThrow(/iotLogLevel "LOUD" is invalid/);
  });
});
