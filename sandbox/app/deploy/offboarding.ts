import { SQSClient } from '@aws-sdk/client-sqs';
import { userLifecycleEventPattern } from '../../../functions/shared/identity/lifecycle-events';
import { renderOffboardingDefinition } from '../../../statemachines/offboarding';
import type { EventBus } from '../../services/eventbridge';
import type { FunctionSpec, LambdaRuntime } from '../lambda';
import { onSandboxClock } from '../sdk-clock';
import type { StepFunctionsService } from '../../services/stepfunctions/service';
import { createTaskHandlers } from '../../services/stepfunctions/task-runtime';
import { BACKEND_SDK_CONFIG } from './names';

/** The offboarding task functions, by the sandbox function name and their `functions/` folder. */
const TASKS = {
  'offboard-delete-shadows': 'DeleteShadowsFunctionArn',
  'offboard-remove-identity': 'RemoveIdentityFunctionArn',
  'offboard-record': 'RecordResultFunctionArn',
} as const;

export const LIFECYCLE_RULE = 'offboarding-user-lifecycle';

export interface OffboardingIds {
  readonly stateMachineArn: string;
  readonly userPoolId: string;
  readonly identityPoolId: string;
  readonly policyName: string;
  readonly iotDataPlaneUrl: string;
  /** The user-lookup gate's queue (ResolveIdentity, the reconciler's checks) and the detach gate's. */
  readonly userLookupQueueUrl: string;
  readonly detachQueueUrl: string;
  /** The device-release gate's queue (ReleaseDevices). */
  readonly deviceReleaseQueueUrl: string;
}

/** The offboarding functions with the environment lib/constructs/offboarding-workflow.ts gives them. */
export function offboardingFunctionSpecs(base: Record<string, string>, ids: OffboardingIds): Record<string, FunctionSpec> {
  return {
    'offboard-delete-shadows': { source: 'offboard-delete-shadows', environment: { ...base, IOT_DATA_ENDPOINT: ids.iotDataPlaneUrl } },
    'offboard-remove-identity': { source: 'offboard-remove-identity', environment: { ...base } },
    'offboard-record': { source: 'offboard-record', environment: { ...base, USER_POOL_ID: ids.userPoolId } },
    'user-lifecycle': { source: 'user-lifecycle', environment: { ...base, STATE_MACHINE_ARN: ids.stateMachineArn, USER_POOL_ID: ids.userPoolId } },
    'offboard-reconciler': {
      source: 'offboard-reconciler',
      environment: { ...base, IOT_POLICY_NAME: ids.policyName, USER_LOOKUP_QUEUE_URL: ids.userLookupQueueUrl },
    },
  };
}

export interface OffboardingDeployment {
  readonly sfn: StepFunctionsService;
  readonly lambda: LambdaRuntime;
  readonly eventBus: EventBus;
  /** The sandbox clock, which the state machine's SDK tasks sign with. */
  readonly now: () => number;
  readonly sqsUrl: string;
  readonly stateMachineName: string;
  readonly roleArn: string;
  readonly ids: OffboardingIds;
  readonly functionArn: (name: string) => string;
}

/**
 * Deploys offboarding into the sandbox as the CDK stack does: the state machine from the real ASL
 * with its tasks bound to the real handlers, and the rule on Cognito's CloudTrail events (the
 * shared pattern) targeting the real lifecycle handler. The reconciler runs on demand.
 */
export function deployOffboarding(d: OffboardingDeployment) {
  const substitutions = {
    UserLookupQueueUrl: d.ids.userLookupQueueUrl,
    DetachQueueUrl: d.ids.detachQueueUrl,
    DeviceReleaseQueueUrl: d.ids.deviceReleaseQueueUrl,
    ...Object.fromEntries(Object.entries(TASKS).map(([fn, key]) => [key, d.functionArn(fn)])),
  } as Parameters<typeof renderOffboardingDefinition>[0];
  const definition = renderOffboardingDefinition(substitutions);
  const sqs = onSandboxClock(new SQSClient({ ...BACKEND_SDK_CONFIG, endpoint: d.sqsUrl }), d.now);
  const registered = d.sfn.registerStateMachine({
    name: d.stateMachineName,
    definition,
    roleArn: d.roleArn,
    handlers: createTaskHandlers(JSON.parse(definition), {
      lambdas: Object.fromEntries(Object.keys(TASKS).map((fn) => [d.functionArn(fn), (payload: unknown) => d.lambda.invoke(fn, payload)])),
      sdk: {},
      sqs,
    }),
  });
  if (registered.stateMachineArn !== d.ids.stateMachineArn) {
    throw new Error(`offboarding state machine ARN ${registered.stateMachineArn} differs from ${d.ids.stateMachineArn}`);
  }
  d.eventBus.putRule(LIFECYCLE_RULE, userLifecycleEventPattern);
  d.eventBus.putTarget(LIFECYCLE_RULE, 'lifecycle-handler', (event) => d.lambda.invoke('user-lifecycle', event));
  return {
    stateMachineArn: registered.stateMachineArn,
    /** What the schedule does on AWS: one run of the real reconciler function. */
    runReconciler: () => d.lambda.invoke('offboard-reconciler', { source: 'aws.events', 'detail-type': 'Scheduled Event' }),
  };
}
