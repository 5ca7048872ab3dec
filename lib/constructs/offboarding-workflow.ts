import { ArnFormat, CfnDeletionPolicy, CfnOutput, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { FunctionBudgets } from '../../functions/shared/aws/time-budgets';
import { userLifecycleCdkEventPattern } from '../../functions/shared/identity/lifecycle-events';
import { StackOutputs } from '../../functions/shared/stack-outputs';
import { renderOffboardingDefinition } from '../../statemachines/offboarding';
import { acknowledge, grantWildcard, nagAccount, nagPartition, nagRegion } from '../nag';
import { DetachGate, DeviceReleaseGate, UserLookupGate } from '../../functions/shared/gates/gates';
import { ProductFunction } from './function';
import { QuotaGateQueue } from './quota-gate';
import type { IotAccess } from './iot-access';
import { userShadowTask } from './user-shadow-task';

export interface OffboardingWorkflowProps {
  readonly userPool: IUserPool;
  readonly access: IotAccess;
  /** The account's IoT data endpoint URL (`https://<id>-ats.iot.<region>.amazonaws.com`). */
  readonly iotDataEndpoint: string;
  /** How often the reconciler looks for identities whose user is gone or disabled. Default 6 hours. */
  readonly reconcileEvery?: Duration;
  /** DetachPolicy calls per second the detach gate spends. Default 12, below the 15 TPS quota. */
  readonly detachRate?: number;
  /**
   * ListUsers calls per second the user-lookup gate spends (offboarding's and the reconciler's
   * lookups together). Default 20, below the 30 RPS quota that is not adjustable.
   */
  readonly userLookupRate?: number;
  /** Identities per second the device-release gate serves (two ListThings each). Default 4, 8 of the 10 TPS quota. */
  readonly deviceReleaseRate?: number;
  /** Execution log retention. Default one month. */
  readonly logRetention?: RetentionDays;
}

/**
 * Users leaving (design section 9): the Standard state machine from
 * `statemachines/offboarding.asl.json` with its four Lambda tasks; the EventBridge rule on
 * Cognito's CloudTrail events (user deleted or disabled) that starts it through the lifecycle
 * handler; the scheduled reconciler; and the custom resource that detaches and deletes the
 * product's IoT policies when the stack is deleted (AWS refuses to delete a policy with targets).
 */
export class OffboardingWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly executionLogs: LogGroup;
  /** The queues and paced consumers that DetachPolicy and every ListUsers go through. */
  readonly detachGate: QuotaGateQueue;
  readonly userLookupGate: QuotaGateQueue;
  readonly deviceReleaseGate: QuotaGateQueue;
  readonly tasks: {
    readonly deleteShadows: ProductFunction;
    readonly removeIdentity: ProductFunction;
    readonly record: ProductFunction;
  };
  readonly lifecycleHandler: ProductFunction;
  readonly lifecycleRule: Rule;
  readonly reconciler: ProductFunction;
  readonly reconcileSchedule: Rule;
  readonly policyCleanup: ProductFunction;
  readonly policyCleanupResource: CustomResource;

  constructor(scope: Construct, id: string, props: OffboardingWorkflowProps) {
    super(scope, id);
    this.tasks = this.createTasks(props);
    ({ detachGate: this.detachGate, userLookupGate: this.userLookupGate, deviceReleaseGate: this.deviceReleaseGate } = this.createGates(props));
    const stateMachineName = `${Stack.of(this).stackName}-offboarding`;
    ({ stateMachine: this.stateMachine, executionLogs: this.executionLogs } = this.createStateMachine(props, stateMachineName));
    ({
      lifecycleHandler: this.lifecycleHandler,
      lifecycleRule: this.lifecycleRule,
      reconciler: this.reconciler,
      reconcileSchedule: this.reconcileSchedule,
    } = this.createStarters(props, stateMachineName));
    ({ policyCleanup: this.policyCleanup, policyCleanupResource: this.policyCleanupResource } = this.createPolicyCleanup(props));
  }

  /** The Standard state machine from the ASL, allowed to invoke its three tasks and hand messages to its three gates. */
  private createStateMachine(props: OffboardingWorkflowProps, stateMachineName: string) {
    const executionLogs = new LogGroup(this, 'ExecutionLogs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
    const stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(
        renderOffboardingDefinition({
          UserLookupQueueUrl: this.userLookupGate.queue.queueUrl,
          DetachQueueUrl: this.detachGate.queue.queueUrl,
          DeviceReleaseQueueUrl: this.deviceReleaseGate.queue.queueUrl,
          DeleteShadowsFunctionArn: this.tasks.deleteShadows.functionArn,
          RemoveIdentityFunctionArn: this.tasks.removeIdentity.functionArn,
          RecordResultFunctionArn: this.tasks.record.functionArn,
        }),
      ),
      logs: { destination: executionLogs, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: Object.values(this.tasks).map((f) => f.functionArn) }),
    );
    this.detachGate.grantHandOff(stateMachine);
    this.userLookupGate.grantHandOff(stateMachine);
    this.deviceReleaseGate.grantHandOff(stateMachine);
    acknowledge(stateMachine.role, 'IAM5[Resource::*]', 'The X-Ray and log-delivery actions aws-cdk-lib grants for tracing and logging have no IAM resource type.');
    return { stateMachine, executionLogs };
  }

  /** What starts offboarding: the CloudTrail lifecycle rule's handler and the scheduled reconciler. */
  private createStarters(props: OffboardingWorkflowProps, stateMachineName: string) {
    const stack = Stack.of(this);
    const executions = stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${stateMachineName}:offboard-*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const starterStatements = [
      new PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] }),
      new PolicyStatement({ actions: ['states:DescribeExecution', 'states:RedriveExecution'], resources: [executions] }),
    ];
    const nagExecutions = `IAM5[Resource::arn:${nagPartition(this)}:states:${nagRegion(this)}:${nagAccount(this)}:execution:${stateMachineName}:offboard-*]`;
    const starterReason = 'Starters describe and redrive only offboarding executions of this state machine (names offboard-<who>-<reason>-<time>).';

    const lifecycleHandler = new ProductFunction(this, 'LifecycleHandler', {
      source: 'user-lifecycle',
      timeout: Duration.seconds(FunctionBudgets.userLifecycle.timeoutSeconds),
      description: 'EventBridge target: starts offboarding when Cognito records a user deleted or disabled.',
      environment: { STATE_MACHINE_ARN: this.stateMachine.stateMachineArn, USER_POOL_ID: props.userPool.userPoolId },
    });
    for (const statement of starterStatements) lifecycleHandler.addToRolePolicy(statement);
    acknowledge(lifecycleHandler.executionRole, nagExecutions, starterReason);
    const lifecycleRule = new Rule(this, 'UserLifecycleRule', {
      description: 'Cognito AdminDeleteUser, AdminDisableUser and DeleteUser calls recorded by CloudTrail: offboard the user.',
      eventPattern: userLifecycleCdkEventPattern,
      targets: [new LambdaFunction(lifecycleHandler, { retryAttempts: 8, maxEventAge: Duration.hours(24) })],
    });

    const reconciler = new ProductFunction(this, 'Reconciler', {
      source: 'offboard-reconciler',
      timeout: Duration.seconds(FunctionBudgets.reconciler.timeoutSeconds),
      description: 'Scheduled: queues a check of every identity holding the product policy on the user-lookup gate.',
      environment: { IOT_POLICY_NAME: props.access.policyName, USER_LOOKUP_QUEUE_URL: this.userLookupGate.queue.queueUrl },
    });
    reconciler.addToRolePolicy(new PolicyStatement({ actions: ['iot:ListTargetsForPolicy'], resources: [props.access.policyArn] }));
    this.userLookupGate.grantHandOff(reconciler);
    // The user-lookup gate's consumer starts the offboardings the reconciler's checks find.
    const lookupWorker = this.userLookupGate.worker;
    lookupWorker.addEnvironment('STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    for (const statement of starterStatements) lookupWorker.addToRolePolicy(statement);
    acknowledge(lookupWorker.executionRole, nagExecutions, starterReason);
    const reconcileSchedule = new Rule(this, 'ReconcileSchedule', {
      description: 'Runs the offboarding reconciler.',
      schedule: Schedule.rate(props.reconcileEvery ?? Duration.hours(6)),
      targets: [new LambdaFunction(reconciler, { retryAttempts: 0 })],
    });
    return { lifecycleHandler, lifecycleRule, reconciler, reconcileSchedule };
  }

  /**
   * On stack deletion, the custom resource detaches every target of the user and device policies
   * and deletes them (functions/stack/policy-cleanup), because CloudFormation's own delete of a policy
   * fails with DeleteConflict until detachment has propagated, for up to five minutes
   * (https://docs.aws.amazon.com/iot/latest/apireference/API_DeletePolicy.html).
   */
  private createPolicyCleanup(props: OffboardingWorkflowProps) {
    const policies = [props.access.iotPolicy, props.access.devicePolicy];
    const policyArns = [props.access.policyArn, props.access.devicePolicyArn];
    const policyCleanup = new ProductFunction(this, 'PolicyCleanup', {
      source: 'policy-cleanup',
      description: 'Custom resource: on stack deletion, detaches every target of the product IoT policies and deletes them.',
      timeout: Duration.seconds(FunctionBudgets.policyCleanup.timeoutSeconds),
    });
    policyCleanup.addToRolePolicy(
      new PolicyStatement({ actions: ['iot:ListTargetsForPolicy', 'iot:ListPolicyVersions', 'iot:DeletePolicyVersion', 'iot:DeletePolicy'], resources: policyArns }),
    );
    grantWildcard(
      policyCleanup,
      policyCleanup.executionRole,
      ['iot:DetachPolicy'],
      'iot:DetachPolicy from a Cognito identity has no IAM resource type (its resource types are cert and thinggroup); the function detaches only the product policies named in its properties. X-Ray actions have no resource type either.',
    );
    // The logical id must never change: a new id makes CloudFormation delete the old resource in
    // the update's cleanup phase, and its Delete deletes the live policies.
    const policyCleanupResource = new CustomResource(this, 'PolicyCleanupResource', {
      serviceToken: policyCleanup.functionArn,
      resourceType: 'Custom::IotPolicyTargets',
      properties: { PolicyNames: [props.access.policyName, props.access.devicePolicyName] },
      // CloudFormation waits an hour for a lost answer by default; the function answers within its timeout.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html
      serviceTimeout: Duration.seconds(FunctionBudgets.policyCleanup.timeoutSeconds + 60),
    });
    for (const policy of policies) {
      // Deleted before the policies (CloudFormation deletes a resource before those it depends on).
      policyCleanupResource.node.addDependency(policy);
      // The custom resource deletes the policies; CloudFormation retains them on stack deletion
      // ("If you want to modify resources outside of CloudFormation, use a Retain deletion policy
      // and then delete the stack": https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html),
      // except when rolling back the create that made them: the custom resource may not exist yet
      // and the policies would be left behind, their fixed names blocking the next deploy. If it
      // did exist and deleted them first, CloudFormation's delete finds nothing, a NotFound it
      // ignores in stack operations (AWS, https://github.com/aws-cloudformation/cloudformation-cli/issues/456).
      policy.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE;
      // A replacement (a new policy name) keeps the old policy as well: every onboarded identity
      // is still attached to it, so CloudFormation's delete would only fail with DeleteConflict.
      policy.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.RETAIN;
    }
    return { policyCleanup, policyCleanupResource };
  }

  /**
   * Makes `attachers` (whatever can attach the product policy: the onboarding state machine and
   * what starts it) depend on the policy cleanup, so CloudFormation deletes them before it runs
   * the cleanup: "Resource A is deleted before resource B" when A depends on B
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html).
   * Nothing is left to attach the policy again while it is being detached and deleted.
   */
  cleanUpAfter(...attachers: IConstruct[]): void {
    for (const attacher of attachers) attacher.node.addDependency(this.policyCleanupResource);
  }

  /** The detach and user-lookup gates, each consumer allowed its one call. */
  private createGates(props: OffboardingWorkflowProps) {
    const detachGate = new QuotaGateQueue(this, 'DetachGate', {
      gate: DetachGate,
      ...(props.detachRate !== undefined ? { ratePerSecond: props.detachRate } : {}),
      worker: {
        source: 'policy-gate-worker',
        description: "Detach gate: DetachPolicy at the gate's pace, then answers the waiting offboarding execution.",
        environment: { IOT_POLICY_NAME: props.access.policyName },
      },
    });
    // iot:DetachPolicy's resource types are cert and thinggroup only; a Cognito identity target has
    // none (Service Authorization Reference, AWS IoT). The worker detaches the one product policy.
    grantWildcard(
      detachGate.worker,
      detachGate.worker.executionRole,
      ['iot:DetachPolicy'],
      'iot:DetachPolicy from a Cognito identity has no IAM resource type; the detach gate detaches only the product policy named in its environment.',
    );
    const userLookupGate = new QuotaGateQueue(this, 'UserLookupGate', {
      gate: UserLookupGate,
      ...(props.userLookupRate !== undefined ? { ratePerSecond: props.userLookupRate } : {}),
      worker: {
        source: 'user-lookup-gate-worker',
        description: "User-lookup gate: offboarding's ResolveIdentity and the reconciler's checks (ListUsers) at the gate's pace.",
        environment: { IDENTITY_POOL_ID: props.access.identityPool.ref, USER_POOL_ID: props.userPool.userPoolId },
      },
    });
    userLookupGate.worker.addToRolePolicy(new PolicyStatement({ actions: ['cognito-identity:LookupDeveloperIdentity'], resources: [props.access.identityPoolArn] }));
    userLookupGate.worker.addToRolePolicy(new PolicyStatement({ actions: ['cognito-idp:ListUsers'], resources: [props.userPool.userPoolArn] }));
    const deviceReleaseGate = new QuotaGateQueue(this, 'DeviceReleaseGate', {
      gate: DeviceReleaseGate,
      ...(props.deviceReleaseRate !== undefined ? { ratePerSecond: props.deviceReleaseRate } : {}),
      worker: {
        source: 'device-release-gate-worker',
        description: "Device-release gate: offboarding's ReleaseDevices (ListThings, then each device released) at the gate's pace.",
        environment: { IOT_DATA_ENDPOINT: props.iotDataEndpoint },
      },
    });
    props.access.grantDeviceOwnership(deviceReleaseGate.worker);
    return { detachGate, userLookupGate, deviceReleaseGate };
  }

  private createTasks(props: OffboardingWorkflowProps) {

    const deleteShadows = userShadowTask(this, 'DeleteShadows', props, ['iot:ListNamedShadowsForThing', 'iot:DeleteThingShadow'], {
      source: 'offboard-delete-shadows',
      timeout: Duration.seconds(FunctionBudgets.offboardDeleteShadows.timeoutSeconds),
      description: 'Offboarding task: deletes the user\'s classic and named shadows.',
    });

    const removeIdentity = new ProductFunction(this, 'RemoveIdentity', {
      source: 'offboard-remove-identity',
      timeout: Duration.seconds(FunctionBudgets.offboardingTask.timeoutSeconds),
      description: 'Offboarding task: deletes the user\'s developer identity (DeleteIdentities).',
    });
    // cognito-identity:DeleteIdentities has no resource type (Service Authorization Reference).
    grantWildcard(
      removeIdentity,
      removeIdentity.executionRole,
      ['cognito-identity:DeleteIdentities'],
      'cognito-identity:DeleteIdentities and the X-Ray actions have no IAM resource type; the task deletes only the identity the workflow resolved.',
    );

    const record = new ProductFunction(this, 'RecordResult', {
      source: 'offboard-record',
      timeout: Duration.seconds(FunctionBudgets.offboardingTask.timeoutSeconds),
      description: 'Offboarding task: clears the onboarding attributes of a disabled user and counts the completion.',
      environment: { USER_POOL_ID: props.userPool.userPoolId },
    });
    record.addToRolePolicy(
      new PolicyStatement({
        // AdminGetUser by the name ResolveIdentity found; ListUsers only for executions started before it passed one.
        actions: ['cognito-idp:AdminGetUser', 'cognito-idp:ListUsers', 'cognito-idp:AdminUpdateUserAttributes', 'cognito-idp:AdminDeleteUserAttributes'],
        resources: [props.userPool.userPoolArn],
      }),
    );
    return { deleteShadows, removeIdentity, record };
  }

  addOutputs(): void {
    new CfnOutput(this, 'StateMachineArn', { key: StackOutputs.OffboardingStateMachineArn, value: this.stateMachine.stateMachineArn });
  }
}
