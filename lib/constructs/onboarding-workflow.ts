import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { acknowledge, nagAccount, nagPartition, nagRegion } from '../nag';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { renderOnboardingDefinition } from '../../statemachines/onboarding';
import { AttachGate } from '../../functions/shared/gates/gates';
import { QuotaGateQueue } from './quota-gate';
import { ProductFunction } from './function';
import type { IotAccess } from './iot-access';
import { userShadowTask } from './user-shadow-task';
import { StackOutputs } from '../../functions/shared/stack-outputs';
import { FunctionBudgets } from '../../functions/shared/aws/time-budgets';

export interface OnboardingWorkflowProps {
  readonly userPool: IUserPool;
  readonly access: IotAccess;
  /** The account's IoT data endpoint URL (`https://<id>-ats.iot.<region>.amazonaws.com`). */
  readonly iotDataEndpoint: string;
  /**
   * Onboarding version. Users whose `custom:iot_onboarded` differs are onboarded again at their
   * next sign-in; bump it after changing the policy template. Default `1`.
   */
  readonly onboardingVersion?: string;
  /** Execution log retention. Default one month. */
  readonly logRetention?: RetentionDays;
  /** AttachPolicy calls per second the attach gate spends. Default 12, below the 15 TPS quota. */
  readonly attachRate?: number;
}

/**
 * The onboarding workflow: the Standard state machine from `statemachines/onboarding.asl.json`
 * (placeholders filled from the typed substitution map), its two Lambda tasks, and the
 * post-authentication trigger that starts it. Wire the trigger with
 * `UserDirectory.onPostAuthentication(workflow.trigger)`.
 */
export class OnboardingWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly trigger: ProductFunction;
  readonly resolveIdentity: ProductFunction;
  readonly publishWelcome: ProductFunction;
  /** The queue and paced consumer every execution's AttachPolicy goes through. */
  readonly attachGate: QuotaGateQueue;
  readonly onboardingVersion: string;
  readonly executionLogs: LogGroup;
  private readonly constructedArn: string;
  private readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: OnboardingWorkflowProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.onboardingVersion = props.onboardingVersion ?? '1';

    ({ resolveIdentity: this.resolveIdentity, publishWelcome: this.publishWelcome } = this.createTasks(props));
    this.attachGate = new QuotaGateQueue(this, 'AttachGate', {
      gate: AttachGate,
      ...(props.attachRate !== undefined ? { ratePerSecond: props.attachRate } : {}),
      worker: {
        source: 'policy-gate-worker',
        description: "Attach gate: AttachPolicy at the gate's pace, then answers the waiting onboarding execution.",
        environment: { IOT_POLICY_NAME: props.access.policyName },
      },
    });
    this.attachGate.worker.addToRolePolicy(new PolicyStatement({ actions: ['iot:AttachPolicy'], resources: [props.access.policyArn] }));

    // A fixed name that survived `cdk destroy` (RETAIN) would make the next deploy fail with
    // ResourceAlreadyExists: the group is deleted with the stack.
    const logGroup = (this.executionLogs = new LogGroup(this, 'ExecutionLogs', {
      logGroupName: `/aws/vendedlogs/states/${stack.stackName}-onboarding`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    }));
    // A fixed name lets the trigger know the ARN without a reference to the state machine: the
    // definition references the user pool, and the user pool references the trigger.
    const stateMachineName = `${stack.stackName}-onboarding`;
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(
        renderOnboardingDefinition({
          ResolveIdentityFunctionArn: this.resolveIdentity.functionArn,
          PublishWelcomeFunctionArn: this.publishWelcome.functionArn,
          AttachQueueUrl: this.attachGate.queue.queueUrl,
          UserPoolId: props.userPool.userPoolId,
        }),
      ),
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
      // No `timeout` here: aws-cdk-lib ignores it for a definition from a string. The ASL's
      // own TimeoutSeconds bounds each execution and each task.
    });
    this.stateMachine.node.addDependency(props.access.iotPolicy);
    this.grantStateMachineActions(props);

    this.constructedArn = stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.stateMachineName = stateMachineName;
    this.trigger = new ProductFunction(this, 'PostAuthentication', {
      source: 'post-authentication',
      description: 'Cognito post-authentication trigger: starts (or redrives) the onboarding workflow; never fails a sign-in.',
      timeout: Duration.seconds(FunctionBudgets.postAuthentication.timeoutSeconds),
    });
    this.grantEnsureOnboarding(this.trigger);
  }

  /** The two Lambda tasks of the ASL, each with only the access its step needs. */
  private createTasks(props: OnboardingWorkflowProps): { resolveIdentity: ProductFunction; publishWelcome: ProductFunction } {
    const resolveIdentity = new ProductFunction(this, 'ResolveIdentity', {
      source: 'resolve-identity',
      timeout: Duration.seconds(FunctionBudgets.resolveIdentity.timeoutSeconds),
      description: 'Onboarding task: resolves a user-pool sub to its Cognito developer identity.',
      environment: {
        IDENTITY_POOL_ID: props.access.identityPool.ref,
        DEVELOPER_PROVIDER_NAME: props.access.developerProviderName,
      },
    });
    props.access.grantResolveIdentity(resolveIdentity);

    const publishWelcome = userShadowTask(this, 'PublishWelcome', props, ['iot:GetThingShadow', 'iot:UpdateThingShadow'], {
      source: 'publish-welcome',
      timeout: Duration.seconds(FunctionBudgets.publishWelcome.timeoutSeconds),
      description: 'Onboarding task: writes the welcome to the user\'s shadow once per onboarding version.',
    });
    return { resolveIdentity, publishWelcome };
  }

  /** What the state machine's role may do: invoke its two tasks, hand identities to the attach gate, mark the user. */
  private grantStateMachineActions(props: OnboardingWorkflowProps): void {
    // Unqualified ARNs only: the ASL invokes $LATEST, so no `:*` version wildcard is granted.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.resolveIdentity.functionArn, this.publishWelcome.functionArn],
      }),
    );
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['cognito-idp:AdminUpdateUserAttributes'],
        resources: [props.userPool.userPoolArn],
      }),
    );
    this.attachGate.grantHandOff(this.stateMachine);
    acknowledge(this.stateMachine.role, 'IAM5[Resource::*]', 'The X-Ray and log-delivery actions aws-cdk-lib grants for tracing and logging have no IAM resource type.');
  }

  /**
   * Lets a function start, describe and redrive onboarding executions (the shared
   * `ensureOnboardingExecution`), and gives it `STATE_MACHINE_ARN` and `ONBOARDING_VERSION`. The
   * ARN is constructed, not referenced: the definition references the user pool, whose trigger
   * would otherwise reference the state machine (a circular dependency).
   */
  grantEnsureOnboarding(fn: ProductFunction): void {
    const stack = Stack.of(this);
    fn.addEnvironment('STATE_MACHINE_ARN', this.constructedArn);
    fn.addEnvironment('ONBOARDING_VERSION', this.onboardingVersion);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [this.constructedArn] }));
    const executions = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.stateMachineName}:onboard-*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    fn.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeExecution', 'states:RedriveExecution'], resources: [executions] }));
    acknowledge(
      fn.executionRole,
      `IAM5[Resource::arn:${nagPartition(this)}:states:${nagRegion(this)}:${nagAccount(this)}:execution:${this.stateMachineName}:onboard-*]`,
      'Describes and redrives only onboarding executions of this state machine (names onboard-<sub>-v<version>).',
    );
  }

  addOutputs(): void {
    new CfnOutput(this, 'StateMachineArn', { key: StackOutputs.StateMachineArn, value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'OnboardingVersion', { key: StackOutputs.OnboardingVersion, value: this.onboardingVersion });
  }
}
