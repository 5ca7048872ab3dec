import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SQSClient } from '@aws-sdk/client-sqs';
import { renderOnboardingDefinition } from '../../../statemachines/onboarding';
import type { EventBus } from '../../services/eventbridge';
import type { LambdaRuntime } from '../lambda';
import { deployOffboarding, type OffboardingIds } from './offboarding';
import { onSandboxClock } from '../sdk-clock';
import { createTaskHandlers } from '../../services/stepfunctions/task-runtime';
import type { DeployedIdentity } from './identity';
import type { QuotaGateQueues } from './quota-gates';
import { BACKEND_SDK_CONFIG, OFFBOARDING_STATE_MACHINE_NAME, POLICY_NAME, STATE_MACHINE_NAME, functionArn, roleArn, stateMachineArn } from './names';
import type { SandboxServices } from './services';

export const ONBOARDING_STATE_MACHINE_ARN = stateMachineArn(STATE_MACHINE_NAME);


/** What the offboarding functions and state machine are configured with. */
export function offboardingIds(directory: DeployedIdentity, iotDataPlaneUrl: string, gates: QuotaGateQueues): OffboardingIds {
  return {
    userLookupQueueUrl: gates['user-lookup'].queueUrl,
    detachQueueUrl: gates.detach.queueUrl,
    deviceReleaseQueueUrl: gates['device-release'].queueUrl,
    stateMachineArn: stateMachineArn(OFFBOARDING_STATE_MACHINE_NAME),
    userPoolId: directory.pool.userPoolId,
    identityPoolId: directory.identityPoolId,
    policyName: POLICY_NAME,
    iotDataPlaneUrl,
  };
}

/** The onboarding state machine from the real ASL, its tasks bound to the real handlers and SDK clients. */
export function deployOnboarding({ sfn, idp, sqs }: SandboxServices, lambda: LambdaRuntime, userPoolId: string, attachQueueUrl: string, now: () => number): string {
  const definition = renderOnboardingDefinition({
    ResolveIdentityFunctionArn: functionArn('resolve-identity'),
    PublishWelcomeFunctionArn: functionArn('publish-welcome'),
    AttachQueueUrl: attachQueueUrl,
    UserPoolId: userPoolId,
  });
  const registered = sfn.registerStateMachine({
    name: STATE_MACHINE_NAME,
    definition,
    roleArn: roleArn('OnboardingRole'),
    handlers: createTaskHandlers(JSON.parse(definition), {
      lambdas: {
        [functionArn('resolve-identity')]: (payload) => lambda.invoke('resolve-identity', payload),
        [functionArn('publish-welcome')]: (payload) => lambda.invoke('publish-welcome', payload),
      },
      sdk: {
        cognitoidentityprovider: onSandboxClock(new CognitoIdentityProviderClient({ ...BACKEND_SDK_CONFIG, endpoint: idp.url }), now),
      },
      sqs: onSandboxClock(new SQSClient({ ...BACKEND_SDK_CONFIG, endpoint: sqs.url }), now),
    }),
  });
  if (registered.stateMachineArn !== ONBOARDING_STATE_MACHINE_ARN) {
    throw new Error(`state machine ARN ${registered.stateMachineArn} differs from the trigger's ${ONBOARDING_STATE_MACHINE_ARN}`);
  }
  return registered.stateMachineArn;
}

/** Offboarding (offboarding.ts): its state machine and the rule on Cognito's CloudTrail events. */
export function deployOffboardingWorkflow({ sfn, sqs }: SandboxServices, lambda: LambdaRuntime, eventBus: EventBus, ids: OffboardingIds, now: () => number) {
  return deployOffboarding({
    sfn,
    lambda,
    eventBus,
    now,
    sqsUrl: sqs.url,
    stateMachineName: OFFBOARDING_STATE_MACHINE_NAME,
    roleArn: roleArn('OffboardingRole'),
    ids,
    functionArn,
  });
}
