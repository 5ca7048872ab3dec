import { beforeAll, describe, expect, it } from 'vitest';
import { QUOTA_GATES } from '../../functions/shared/gates/gates';
import { StackOutputs } from '../../functions/shared/stack-outputs';
import { actionsOfRole, dependsTransitively, FUNCTION_BUDGETS, joined, LOGS, logicalIdOf, roleOfFunctionIn, statementsOfRole, synthesize, timeoutsOf, X_RAY } from './synth';

let s: ReturnType<typeof synthesize>;
beforeAll(() => {
  s = synthesize();
});

const ref = (type: string, fragment: string) => logicalIdOf(s.resources, type, fragment);
const props = (type: string, fragment: string) => s.resources[ref(type, fragment)]?.Properties ?? {};
const SQS_CONSUMER = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'];
const ANSWER = ['states:SendTaskFailure', 'states:SendTaskSuccess'];

/** Each gate by the logical-id fragment of its construct. */
const GATES = [
  ['attach', 'OnboardingAttachGate'],
  ['detach', 'OffboardingDetachGate'],
  ['user-lookup', 'OffboardingUserLookupGate'],
  ['device-release', 'OffboardingDeviceReleaseGate'],
] as const;

describe.each(GATES)('the %s gate', (name, id) => {
  const gate = QUOTA_GATES[name];

  it('gives its functions the timeouts of their budgets', () => {
    const { actual, expected } = timeoutsOf(s.resources, FUNCTION_BUDGETS, id);
    expect(Object.keys(actual)).toHaveLength(2);
    expect(actual).toEqual(expected);
  });

  it('queues with a visibility timeout of 6 x the worker timeout, a dead-letter queue after 5 deliveries, SSE and TLS only', () => {
    const queue = props('AWS::SQS::Queue', `${id}Queue`);
    expect(queue).toMatchObject({
      VisibilityTimeout: 6 * gate.timeoutSeconds,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: { 'Fn::GetAtt': [ref('AWS::SQS::Queue', `${id}DeadLetters`), 'Arn'] } },
    });
    expect(queue.MessageRetentionPeriod as number).toBeGreaterThan(gate.waitTimeoutSeconds);
    expect(props('AWS::SQS::Queue', `${id}DeadLetters`)).toMatchObject({ VisibilityTimeout: 540, MessageRetentionPeriod: 14 * 86_400 });
    const policies = Object.entries(s.resources).filter(([logicalId, r]) => r.Type === 'AWS::SQS::QueuePolicy' && logicalId.startsWith(id)).map(([, r]) => JSON.stringify(r.Properties));
    expect(policies.filter((p) => p.includes('"aws:SecureTransport":"false"'))).toHaveLength(2);
  });

  it('feeds the worker in batches of 10 with MaximumConcurrency 2 and partial batch failures, at its rate', () => {
    const mappings = Object.values(s.resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    const worker = mappings.find((m) => joined(m.Properties?.FunctionName).includes(`${id}Worker`));
    expect(worker?.Properties).toMatchObject({ BatchSize: 10, ScalingConfig: { MaximumConcurrency: 2 }, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    const deadLetters = mappings.find((m) => joined(m.Properties?.FunctionName).includes(`${id}DeadLetterConsumer`));
    expect(deadLetters?.Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(s.resources[ref('AWS::Lambda::Function', `${id}Worker`)]?.Properties).toMatchObject({ Environment: { Variables: { GATE_NAME: name, GATE_RATE: String(gate.ratePerSecond) } } });
    expect(s.resources[ref('AWS::Lambda::Function', `${id}DeadLetterConsumer`)]?.Properties).toMatchObject({ Environment: { Variables: { GATE_NAME: name } } });
  });

  it('lets its dead-letter consumer only fail executions and read its dead-letter queue', () => {
    const role = roleOfFunctionIn(s.resources, `${id}DeadLetterConsumer`);
    expect(actionsOfRole(s.resources, role)).toEqual([...LOGS, ...SQS_CONSUMER, 'states:SendTaskFailure', ...X_RAY].sort());
  });
});

describe('what each gate consumer may call', () => {
  it('lets the attach worker attach only the product policy, answer task tokens and read its queue, nothing more', () => {
    const role = roleOfFunctionIn(s.resources, 'OnboardingAttachGateWorker');
    expect(actionsOfRole(s.resources, role)).toEqual([...LOGS, 'iot:AttachPolicy', ...SQS_CONSUMER, ...ANSWER, ...X_RAY].sort());
    const attach = statementsOfRole(s.resources, role).find((st) => st.Action === 'iot:AttachPolicy');
    expect(joined(attach?.Resource)).toBe(`<{"Fn::GetAtt":["${ref('AWS::IoT::Policy', 'IotAccessIotPolicy')}","Arn"]}>`);
  });

  it('lets the detach worker detach (no attach), answer task tokens and read its queue, nothing more', () => {
    const role = roleOfFunctionIn(s.resources, 'OffboardingDetachGateWorker');
    expect(actionsOfRole(s.resources, role)).toEqual([...LOGS, 'iot:DetachPolicy', ...SQS_CONSUMER, ...ANSWER, ...X_RAY].sort());
  });

  it('lets the user-lookup worker look identities up (never link), list this pool\'s users, and start, describe or redrive offboardings only', () => {
    const role = roleOfFunctionIn(s.resources, 'OffboardingUserLookupGateWorker');
    expect(actionsOfRole(s.resources, role)).toEqual(
      [...LOGS, 'cognito-identity:LookupDeveloperIdentity', 'cognito-idp:ListUsers', ...SQS_CONSUMER, 'states:DescribeExecution', 'states:RedriveExecution', ...ANSWER, 'states:StartExecution', ...X_RAY].sort(),
    );
    const start = statementsOfRole(s.resources, role).find((st) => st.Action === 'states:StartExecution');
    expect(joined(start?.Resource)).toContain(ref('AWS::StepFunctions::StateMachine', 'OffboardingStateMachine'));
  });

  it("lets the device-release worker read and conditionally update things, delete twins and notify devices, answer task tokens and read its queue, nothing more", () => {
    const role = roleOfFunctionIn(s.resources, 'OffboardingDeviceReleaseGateWorker');
    expect(actionsOfRole(s.resources, role)).toEqual(
      [...LOGS, 'iot:DeleteThingShadow', 'iot:DescribeThing', 'iot:ListThings', 'iot:UpdateThing', 'iot:UpdateThingShadow', ...SQS_CONSUMER, ...ANSWER, ...X_RAY].sort(),
    );
  });

  it('is deleted before the policy cleanup runs (the attach worker), with the state machine that feeds it', () => {
    const cleanup = Object.keys(s.resources).find((id) => s.resources[id]?.Type === 'Custom::IotPolicyTargets') as string;
    expect(dependsTransitively(s.resources, ref('AWS::Lambda::Function', 'OnboardingAttachGateWorker'), cleanup)).toBe(true);
  });

  it('outputs every gate\'s queues and rate as one JSON contract for the admin CLI', () => {
    const output = (s.template.toJSON().Outputs as Record<string, { Value: unknown }> | undefined)?.[StackOutputs.QuotaGates];
    const text = joined(output?.Value);
    for (const [name, id] of GATES) {
      expect(text).toContain(`"${name}":{"queueUrl":"`);
      expect(text).toContain(ref('AWS::SQS::Queue', `${id}Queue`));
      expect(text).toContain(ref('AWS::SQS::Queue', `${id}DeadLetters`));
      expect(text).toContain(`"ratePerSecond":${QUOTA_GATES[name].ratePerSecond}`);
    }
  });
});
