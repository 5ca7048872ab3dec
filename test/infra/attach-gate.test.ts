import { beforeAll, describe, expect, it } from 'vitest';
import { AttachGate } from '../../functions/shared/gates/gates';
import { actionsOfRole, dependsTransitively, FUNCTION_BUDGETS, joined, LOGS, logicalIdOf, roleOfFunctionIn, statementsOfRole, synthesize, timeoutsOf, X_RAY } from './synth';

let s: ReturnType<typeof synthesize>;
beforeAll(() => {
  s = synthesize();
});

const ref = (type: string, fragment: string) => logicalIdOf(s.resources, type, fragment);
const props = (type: string, fragment: string) => s.resources[ref(type, fragment)]?.Properties ?? {};

describe('the attach gate', () => {
  it('gives its functions the timeouts of their budgets', () => {
    const { actual, expected } = timeoutsOf(s.resources, FUNCTION_BUDGETS, 'OnboardingAttachGate');
    expect(Object.keys(actual)).toHaveLength(2);
    expect(actual).toEqual(expected);
  });

  it('queues with a visibility timeout of 6 x the worker timeout, a dead-letter queue after 5 deliveries, SSE and TLS only', () => {
    const queue = props('AWS::SQS::Queue', 'OnboardingAttachGateQueue');
    expect(queue).toMatchObject({
      VisibilityTimeout: 6 * AttachGate.timeoutSeconds,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: { 'Fn::GetAtt': [ref('AWS::SQS::Queue', 'OnboardingAttachGateDeadLetters'), 'Arn'] } },
    });
    expect(queue.MessageRetentionPeriod as number).toBeGreaterThan(AttachGate.waitTimeoutSeconds);
    expect(props('AWS::SQS::Queue', 'OnboardingAttachGateDeadLetters')).toMatchObject({ VisibilityTimeout: 540, MessageRetentionPeriod: 14 * 86_400 });
    const policies = Object.values(s.resources).filter((r) => r.Type === 'AWS::SQS::QueuePolicy').map((r) => JSON.stringify(r.Properties));
    expect(policies.filter((p) => p.includes('"aws:SecureTransport":"false"'))).toHaveLength(2);
  });

  it('feeds the worker in batches of 10 with MaximumConcurrency 2 and partial batch failures', () => {
    const mappings = Object.values(s.resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    const worker = mappings.find((m) => joined(m.Properties?.FunctionName).includes('OnboardingAttachGateWorker'));
    expect(worker?.Properties).toMatchObject({ BatchSize: 10, ScalingConfig: { MaximumConcurrency: 2 }, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    const deadLetters = mappings.find((m) => joined(m.Properties?.FunctionName).includes('OnboardingAttachGateDeadLetterConsumer'));
    expect(deadLetters?.Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  it('lets the worker attach only the product policy, answer task tokens and read its queue, nothing more', () => {
    const role = roleOfFunctionIn(s.resources, 'OnboardingAttachGateWorker');
    expect(actionsOfRole(s.resources, role)).toEqual(
      [...LOGS, 'iot:AttachPolicy', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage', 'states:SendTaskFailure', 'states:SendTaskSuccess', ...X_RAY].sort(),
    );
    const attach = statementsOfRole(s.resources, role).find((st) => st.Action === 'iot:AttachPolicy');
    expect(joined(attach?.Resource)).toBe(`<{"Fn::GetAtt":["${ref('AWS::IoT::Policy', 'IotAccessIotPolicy')}","Arn"]}>`);
    expect(s.resources[ref('AWS::Lambda::Function', 'OnboardingAttachGateWorker')]?.Properties).toMatchObject({ Environment: { Variables: { GATE_RATE: '12', IOT_POLICY_NAME: 'IotOnboarding-user-iot' } } });
  });

  it('is deleted before the policy cleanup runs, with the state machine that feeds it', () => {
    const cleanup = Object.keys(s.resources).find((id) => s.resources[id]?.Type === 'Custom::IotPolicyTargets') as string;
    expect(dependsTransitively(s.resources, ref('AWS::Lambda::Function', 'OnboardingAttachGateWorker'), cleanup)).toBe(true);
  });
});
