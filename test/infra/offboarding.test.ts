import { beforeAll, describe, expect, it } from 'vitest';
import { userLifecycleEventPattern } from '../../functions/shared/identity/lifecycle-events';
import { StackOutputs } from '../../functions/shared/stack-outputs';
import { FunctionBudgets } from '../../functions/shared/aws/time-budgets';
import { actionsOfRole, dependsTransitively, FUNCTION_BUDGETS, joined, LOGS, logicalIdOf, roleOfFunctionIn, statementsOfRole, synthesize, timeoutsOf, X_RAY } from './synth';

let s: ReturnType<typeof synthesize>;
beforeAll(() => {
  s = synthesize();
});

const roleOfFunction = (fragment: string) => roleOfFunctionIn(s.resources, fragment);
const resourcesOf = (roleId: string, action: string) =>
  statementsOfRole(s.resources, roleId)
    .filter((st) => [st.Action].flat().includes(action))
    .flatMap((st) => [st.Resource].flat().map(joined));
const offboardingStateMachine = () => s.resources[logicalIdOf(s.resources, 'AWS::StepFunctions::StateMachine', 'Offboarding')];
const ref = (type: string, fragment: string) => logicalIdOf(s.resources, type, fragment);
const dependsOn = (from: string, to: string) => dependsTransitively(s.resources, from, to);

describe('offboarding state machine', () => {
  it('gives every offboarding function the timeout of its time budget', () => {
    const { actual, expected } = timeoutsOf(s.resources, FUNCTION_BUDGETS, 'Offboarding');
    expect(actual).toEqual(expected);
  });

  it('is a Standard state machine with ALL logging and X-Ray tracing', () => {
    expect(offboardingStateMachine()?.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('has a fully substituted definition naming its three task functions and the three gates it waits for', () => {
    const compact = joined(offboardingStateMachine()?.Properties?.DefinitionString).replace(/\s+/g, '');
    expect(compact).not.toContain('${');
    for (const fragment of ['OffboardingDeleteShadows', 'OffboardingRemoveIdentity', 'OffboardingRecordResult']) {
      expect(compact).toContain(`"FunctionName":"<{"Fn::GetAtt":["${ref('AWS::Lambda::Function', fragment)}","Arn"]}>"`);
    }
    for (const fragment of ['OffboardingUserLookupGateQueue', 'OffboardingDetachGateQueue', 'OffboardingDeviceReleaseGateQueue']) {
      expect(compact).toContain(`"QueueUrl":"<{"Ref":"${ref('AWS::SQS::Queue', fragment)}"}>"`);
    }
    expect(compact).not.toContain('aws-sdk:iot:detachPolicy');
  });

  it('lets the state machine invoke its three tasks and send to its three gates, nothing more (no IoT or Cognito call of its own)', () => {
    const roleId = (offboardingStateMachine()?.Properties?.RoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    expect([...new Set(actionsOfRole(s.resources, roleId).filter((a) => !a.startsWith('xray:') && !a.startsWith('logs:')))]).toEqual(['lambda:InvokeFunction', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    const invoked = resourcesOf(roleId, 'lambda:InvokeFunction');
    expect(invoked).toHaveLength(3);
    expect(invoked.join()).not.toContain(':*');
    expect(resourcesOf(roleId, 'sqs:SendMessage').sort()).toEqual(
      [ref('AWS::SQS::Queue', 'OffboardingDetachGateQueue'), ref('AWS::SQS::Queue', 'OffboardingUserLookupGateQueue'), ref('AWS::SQS::Queue', 'OffboardingDeviceReleaseGateQueue')].map((id) => `<${JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] })}>`).sort(),
    );
  });
});

describe('offboarding tasks', () => {
  it('lets DeleteShadows only list and delete shadows of identity-named things', () => {
    const roleId = roleOfFunction('OffboardingDeleteShadows');
    expect(actionsOfRole(s.resources, roleId)).toEqual([...LOGS, 'iot:DeleteThingShadow', 'iot:ListNamedShadowsForThing', ...X_RAY].sort());
    expect(resourcesOf(roleId, 'iot:DeleteThingShadow')[0]).toMatch(/:thing\/<.*>:\*$/);
  });

  it('lets RemoveIdentity only delete identities', () => {
    expect(actionsOfRole(s.resources, roleOfFunction('OffboardingRemoveIdentity'))).toEqual([...LOGS, 'cognito-identity:DeleteIdentities', ...X_RAY].sort());
  });

  it('lets RecordResult only read users (by name, or by sub for executions from before) and update or delete their attributes, in this pool', () => {
    const roleId = roleOfFunction('OffboardingRecordResult');
    expect(actionsOfRole(s.resources, roleId)).toEqual(
      [...LOGS, 'cognito-idp:AdminDeleteUserAttributes', 'cognito-idp:AdminGetUser', 'cognito-idp:AdminUpdateUserAttributes', 'cognito-idp:ListUsers', ...X_RAY].sort(),
    );
    expect(resourcesOf(roleId, 'cognito-idp:AdminDeleteUserAttributes')[0]).toContain(ref('AWS::Cognito::UserPool', 'UsersUserPool'));
  });
});

describe('what starts offboarding', () => {
  it('routes Cognito\'s CloudTrail delete/disable events to the lifecycle handler with the shared pattern', () => {
    const rule = s.resources[ref('AWS::Events::Rule', 'UserLifecycleRule')];
    expect(rule?.Properties?.EventPattern).toEqual(userLifecycleEventPattern);
    const targets = rule?.Properties?.Targets as Array<{ Arn: unknown; RetryPolicy?: unknown }>;
    expect(targets).toHaveLength(1);
    expect(targets[0]?.Arn).toEqual({ 'Fn::GetAtt': [ref('AWS::Lambda::Function', 'OffboardingLifecycleHandler'), 'Arn'] });
  });

  it('lets the lifecycle handler and the user-lookup gate (the reconciler\'s checks) start, describe and redrive offboarding executions only', () => {
    for (const fragment of ['OffboardingLifecycleHandler', 'OffboardingUserLookupGateWorker']) {
      const roleId = roleOfFunction(fragment);
      expect(resourcesOf(roleId, 'states:StartExecution')).toEqual([`<${JSON.stringify({ Ref: ref('AWS::StepFunctions::StateMachine', 'Offboarding') })}>`]);
      expect(resourcesOf(roleId, 'states:RedriveExecution')[0]).toMatch(/:execution:IotOnboarding-offboarding:offboard-\*$/);
    }
    expect(actionsOfRole(s.resources, roleOfFunction('OffboardingLifecycleHandler'))).toEqual(
      [...LOGS, 'states:DescribeExecution', 'states:RedriveExecution', 'states:StartExecution', ...X_RAY].sort(),
    );
  });

  it('runs the reconciler on a schedule: it lists the product policy\'s targets and queues their checks on the user-lookup gate, nothing more', () => {
    const schedule = s.resources[ref('AWS::Events::Rule', 'ReconcileSchedule')];
    expect(schedule?.Properties?.ScheduleExpression).toBe('rate(6 hours)');
    expect((schedule?.Properties?.Targets as Array<{ Arn: unknown }>)[0]?.Arn).toEqual({ 'Fn::GetAtt': [ref('AWS::Lambda::Function', 'OffboardingReconciler'), 'Arn'] });
    const roleId = roleOfFunction('OffboardingReconciler');
    expect(actionsOfRole(s.resources, roleId)).toEqual(
      [...LOGS, 'iot:ListTargetsForPolicy', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage', ...X_RAY].sort(),
    );
    expect(resourcesOf(roleId, 'sqs:SendMessage')).toEqual([`<${JSON.stringify({ 'Fn::GetAtt': [ref('AWS::SQS::Queue', 'OffboardingUserLookupGateQueue'), 'Arn'] })}>`]);
    expect(resourcesOf(roleId, 'iot:ListTargetsForPolicy')).toEqual([`<${JSON.stringify({ 'Fn::GetAtt': [ref('AWS::IoT::Policy', 'IotPolicy'), 'Arn'] })}>`]);
  });
});

describe('clean removal', () => {
  const cleanup = () => ref('Custom::IotPolicyTargets', 'PolicyCleanup');
  const policies = () => [ref('AWS::IoT::Policy', 'IotPolicy'), ref('AWS::IoT::Policy', 'DevicePolicy')];

  it('keeps the custom resource\'s logical id: a new id would delete the old resource, and with it the live policies, in the update\'s cleanup', () => {
    expect(cleanup()).toBe('OffboardingPolicyCleanupResourceEDC348DE');
  });

  it('deletes the user and the device policy, after which CloudFormation deletes the policies\' entries', () => {
    const cr = s.template.toJSON().Resources[cleanup()] as { Properties: Record<string, unknown>; DependsOn?: string[] };
    expect(cr.Properties.PolicyNames).toEqual(['IotOnboarding-user-iot', 'IotOnboarding-device-iot']);
    expect(cr.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [ref('AWS::Lambda::Function', 'OffboardingPolicyCleanup'), 'Arn'] });
    // CloudFormation deletes a resource before the resources it depends on.
    expect(cr.DependsOn).toEqual(expect.arrayContaining(policies()));
  });

  it('leaves deleting the policies to the custom resource, except when rolling back their creation', () => {
    const raw = s.template.toJSON().Resources as Record<string, { DeletionPolicy?: string; UpdateReplacePolicy?: string }>;
    for (const policy of policies()) {
      expect(raw[policy]).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    }
  });

  it('is deleted only after everything that can attach the user policy again: the onboarding state machine, the trigger, the API, and what invokes them', () => {
    const attachers = [
      ref('AWS::StepFunctions::StateMachine', 'OnboardingStateMachine'),
      ref('AWS::IAM::Policy', 'OnboardingStateMachineRoleDefaultPolicy'),
      ref('AWS::Lambda::Function', 'OnboardingPostAuthentication'),
      ref('AWS::Lambda::Permission', 'UsersUserPoolPostAuthentication'),
      ref('AWS::Cognito::UserPool', 'UsersUserPool'),
      ref('AWS::Lambda::Function', 'CommandsHandler'),
      ...Object.keys(s.resources).filter((id) => s.resources[id]?.Type === 'AWS::Lambda::Permission' && id.startsWith('CommandsApi')),
    ];
    expect(attachers.filter((id) => !dependsOn(id, cleanup()))).toEqual([]);
  });

  it('waits for the cleanup no longer than its function can run, not CloudFormation\'s default hour', () => {
    const cr = s.template.toJSON().Resources[cleanup()] as { Properties: Record<string, unknown> };
    expect(cr.Properties.ServiceTimeout).toBe(String(FunctionBudgets.policyCleanup.timeoutSeconds + 60));
  });

  it('lets the cleanup function list, detach and delete only the two policies', () => {
    const roleId = roleOfFunction('OffboardingPolicyCleanup');
    expect(actionsOfRole(s.resources, roleId)).toEqual(
      [...LOGS, 'iot:DeletePolicy', 'iot:DeletePolicyVersion', 'iot:DetachPolicy', 'iot:ListPolicyVersions', 'iot:ListTargetsForPolicy', ...X_RAY].sort(),
    );
    const arns = policies().map((id) => `<${JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] })}>`);
    // The order of a statement's resources means nothing to IAM (minimizePolicies sorts them).
    for (const action of ['iot:ListTargetsForPolicy', 'iot:ListPolicyVersions', 'iot:DeletePolicyVersion', 'iot:DeletePolicy']) {
      expect([...resourcesOf(roleId, action)].sort()).toEqual([...arns].sort());
    }
  });

  it('outputs the offboarding state machine under the contract key', () => {
    expect(s.template.toJSON().Outputs[StackOutputs.OffboardingStateMachineArn]).toEqual({ Value: { Ref: ref('AWS::StepFunctions::StateMachine', 'Offboarding') } });
  });
});
