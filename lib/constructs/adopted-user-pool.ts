import { CfnOutput, CustomResource, Duration, SecretValue, Stack } from 'aws-cdk-lib';
import { UserPool, UserPoolClient, type IUserPool, type IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { FunctionBudgets } from '../../functions/shared/aws/time-budgets';
import { StackOutputs } from '../../functions/shared/stack-outputs';
import { ProductFunction } from './function';

export interface AdoptedUserPoolProps {
  /** The pool the team already runs. */
  readonly userPoolId: string;
  /** Its app clients the product serves; the first is the custom authorizer's (password mode needs its secret). */
  readonly appClientIds: readonly string[];
  /**
   * The pool's current post-authentication trigger, which the product's trigger calls first
   * (chaining): the operator's opt-in. Without it a pool that has one is refused.
   */
  readonly chainPostAuthentication?: string;
  /** Consent to add the product's two custom attributes to the pool: permanent (attributes cannot be removed). */
  readonly addCustomAttributes?: boolean;
  /**
   * The first app client has a secret, which the custom authorizer's password mode then needs
   * (read at deploy time). Default false: a public client (a web or mobile app's) has none.
   */
  readonly appClientHasSecret?: boolean;
}

/**
 * A user pool the stack does not own (design section 11): imported by id, its app clients by id.
 * CDK cannot add a trigger to an imported pool, so `onPostAuthentication` deploys the
 * `pool-trigger` custom resource, which sets only `LambdaConfig.PostAuthentication` (every other
 * setting passed back unchanged, verified by describing again) and restores the previous trigger
 * when the stack is deleted. The function may be invoked by this pool only.
 */
export class AdoptedUserPool extends Construct {
  readonly userPool: IUserPool;
  readonly appClients: readonly IUserPoolClient[];
  readonly appClient: IUserPoolClient;
  /**
   * The web app's public client: the first app client when it has no secret (the default), none
   * when it has one (a page cannot keep a secret, and the pool has no other client of ours).
   */
  readonly webClient: IUserPoolClient | undefined;
  private readonly props: AdoptedUserPoolProps;

  constructor(scope: Construct, id: string, props: AdoptedUserPoolProps) {
    super(scope, id);
    if (props.appClientIds.length === 0) throw new Error('Adopting a user pool needs at least one app client id (-c appClientIds=<id,id>)');
    this.props = props;
    this.userPool = UserPool.fromUserPoolId(this, 'UserPool', props.userPoolId);
    this.appClients = props.appClientIds.map((clientId, i) => UserPoolClient.fromUserPoolClientId(this, `AppClient${i}`, clientId));
    this.appClient = this.appClients[0] as IUserPoolClient;
    this.webClient = props.appClientHasSecret ? undefined : this.appClient;
  }

  /**
   * The first app client's secret, read at deploy time (DescribeUserPoolClient), as CDK reads a
   * created client's: for SECRET_HASH in the custom authorizer's password mode. None for a public
   * client (`appClientHasSecret` false): DescribeUserPoolClient has no ClientSecret to read.
   */
  appClientSecret(): SecretValue | undefined {
    if (!this.props.appClientHasSecret) return undefined;
    const describe = {
      service: 'CognitoIdentityServiceProvider',
      action: 'describeUserPoolClient',
      parameters: { UserPoolId: this.props.userPoolId, ClientId: this.appClient.userPoolClientId },
      physicalResourceId: PhysicalResourceId.of(`${this.props.userPoolId}/${this.appClient.userPoolClientId}`),
    };
    const reader = new AwsCustomResource(this, 'AppClientSecretReader', {
      onCreate: describe,
      onUpdate: describe,
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [this.userPool.userPoolArn] }),
      installLatestAwsSdk: false,
    });
    return SecretValue.resourceAttribute(reader.getResponseField('UserPoolClient.ClientSecret'));
  }

  /** Makes `fn` the pool's post-authentication trigger, changing nothing else of the pool. */
  onPostAuthentication(fn: LambdaFunction): void {
    const stack = Stack.of(this);
    const chain = this.props.chainPostAuthentication;
    if (chain) {
      // The product's trigger runs the pool's own after its part, with the same event.
      fn.addEnvironment('CHAINED_TRIGGER_ARN', chain);
      fn.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [chain] }));
    }
    fn.addPermission('InvokedByAdoptedPool', { principal: new ServicePrincipal('cognito-idp.amazonaws.com'), sourceArn: this.userPool.userPoolArn, sourceAccount: stack.account });
    const handler = new ProductFunction(this, 'PoolTrigger', {
      source: 'pool-trigger',
      timeout: Duration.seconds(FunctionBudgets.poolTrigger.timeoutSeconds),
      description: "Custom resource: sets only the adopted pool's post-authentication trigger; restores the previous one on deletion.",
    });
    handler.addToRolePolicy(
      new PolicyStatement({ actions: ['cognito-idp:DescribeUserPool', 'cognito-idp:UpdateUserPool', 'cognito-idp:AddCustomAttributes'], resources: [this.userPool.userPoolArn] }),
    );
    const resource = new CustomResource(this, 'PostAuthentication', {
      serviceToken: handler.functionArn,
      resourceType: 'Custom::PoolPostAuthentication',
      properties: {
        UserPoolId: this.props.userPoolId,
        TriggerArn: fn.functionArn,
        ...(this.props.chainPostAuthentication ? { ChainArn: this.props.chainPostAuthentication } : {}),
        AddCustomAttributes: String(this.props.addCustomAttributes === true),
      },
      serviceTimeout: Duration.seconds(FunctionBudgets.poolTrigger.timeoutSeconds + 30),
    });
    // The pool may call the function before CloudFormation has given it leave to.
    const permission = fn.permissionsNode.tryFindChild('InvokedByAdoptedPool');
    if (permission) resource.node.addDependency(permission);
  }

  addOutputs(): void {
    new CfnOutput(this, 'UserPoolId', { key: StackOutputs.UserPoolId, value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { key: StackOutputs.UserPoolClientId, value: this.appClient.userPoolClientId });
    // The adopted pool has no client of the product's making: a public first client (the default)
    // is the web app's; a confidential one cannot serve a page, so there is no WebAppClientId.
    if (this.webClient) new CfnOutput(this, 'WebAppClientId', { key: StackOutputs.WebAppClientId, value: this.webClient.userPoolClientId });
  }
}
