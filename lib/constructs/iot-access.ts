import { CfnOutput, Stack } from 'aws-cdk-lib';
import { CfnIdentityPool, CfnIdentityPoolRoleAttachment } from 'aws-cdk-lib/aws-cognito';
import { Effect, FederatedPrincipal, PolicyDocument, PolicyStatement, Role, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { CfnPolicy } from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import type { ProductFunction } from './function';
import { acknowledge, nagAccount, nagPartition, nagRegion } from '../nag';
import { devicePolicyDocument } from '../../functions/shared/iot-policy/device-policy';
import { iotPolicyDocument, iotPolicyStatements } from '../../functions/shared/iot-policy/user-policy';
import { StackOutputs } from '../../functions/shared/stack-outputs';

export interface IotAccessProps {
  /** Developer provider name of the identity pool. Default `iot-onboarding.<stack name>`. */
  readonly developerProviderName?: string;
}

/**
 * What a user's Cognito identity and a device's certificate may do in IoT Core: the identity pool
 * (developer-authenticated identities only: no user-pool provider, no unauthenticated
 * identities), its authenticated IAM role and the `AWS::IoT::Policy` attached to each identity
 * (one user template: IoT allows a Cognito identity an action only when both allow it), and the
 * device `AWS::IoT::Policy` (`<stack>-device-iot`) that `devices register` attaches to each
 * device certificate.
 */
export class IotAccess extends Construct {
  readonly identityPool: CfnIdentityPool;
  readonly authenticatedRole: Role;
  readonly iotPolicy: CfnPolicy;
  readonly policyName: string;
  readonly developerProviderName: string;
  readonly devicePolicy: CfnPolicy;
  readonly devicePolicyName: string;

  constructor(scope: Construct, id: string, props: IotAccessProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.developerProviderName = props.developerProviderName ?? `iot-onboarding.${stack.stackName}`;
    const scopeForPolicy = { partition: stack.partition, region: stack.region, account: stack.account };

    this.identityPool = new CfnIdentityPool(this, 'IdentityPool', {
      allowUnauthenticatedIdentities: false,
      allowClassicFlow: false,
      developerProviderName: this.developerProviderName,
    });

    this.authenticatedRole = new Role(this, 'AuthenticatedRole', {
      description: 'Cognito identities of onboarded users: the IoT permissions of the policy template (dual authorization).',
      assumedBy: new FederatedPrincipal(
        'cognito-identity.amazonaws.com',
        {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': this.identityPool.ref },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        },
        'sts:AssumeRoleWithWebIdentity',
      ),
      inlinePolicies: {
        IotUserAccess: new PolicyDocument({
          statements: iotPolicyStatements(scopeForPolicy).map(
            (s) => new PolicyStatement({ effect: Effect.ALLOW, actions: [...s.Action], resources: [...s.Resource] }),
          ),
        }),
      },
    });

    // One acknowledgement per wildcard resource of the template, named as cdk-nag prints it.
    const asNagPrints = { partition: nagPartition(this), region: nagRegion(this), account: nagAccount(this) };
    for (const resource of new Set(iotPolicyStatements(asNagPrints, '<cognito-identity.amazonaws.com:sub>').flatMap((s) => s.Resource))) {
      if (!resource.includes('*')) continue;
      acknowledge(
        this.authenticatedRole,
        `IAM5[Resource::${resource}]`,
        "Topic wildcard of the shared IoT policy template: the identity's own classic and named shadows; IoT allows only what both this role and the attached IoT policy allow.",
      );
    }

    new CfnIdentityPoolRoleAttachment(this, 'Roles', {
      identityPoolId: this.identityPool.ref,
      roles: { authenticated: this.authenticatedRole.roleArn },
    });

    this.policyName = `${stack.stackName}-user-iot`;
    this.iotPolicy = new CfnPolicy(this, 'IotPolicy', {
      policyName: this.policyName,
      policyDocument: iotPolicyDocument(scopeForPolicy),
    });

    // Thing policy variables make this one static document per-device (design section 8).
    this.devicePolicyName = `${stack.stackName}-device-iot`;
    this.devicePolicy = new CfnPolicy(this, 'DevicePolicy', {
      policyName: this.devicePolicyName,
      policyDocument: devicePolicyDocument(scopeForPolicy),
    });
  }

  /** Lets a function resolve users' developer identities (GetOpenIdTokenForDeveloperIdentity). */
  grantResolveIdentity(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['cognito-identity:GetOpenIdTokenForDeveloperIdentity'],
        resources: [this.identityPoolArn],
      }),
    );
  }

  /** The ARN of the product policy attached to each identity. */
  get policyArn(): string {
    return this.iotPolicy.attrArn;
  }

  /** The ARN of the device policy attached to each device certificate. */
  get devicePolicyArn(): string {
    return this.devicePolicy.attrArn;
  }

  /**
   * Lets a function claim, release and list devices (functions/shared/devices): registry reads
   * (DescribeThing, ListThings), the compare-and-set UpdateThing of `owner` (always sent with
   * `expectedVersion`), the twin's deletion on the owner's identity thing (named by identity id,
   * `<region>:<guid>`), and the notice on the device's classic shadow. Commands are not granted
   * here: they are published with the user's own credentials.
   */
  grantDeviceOwnership(grantee: ProductFunction): void {
    const stack = Stack.of(this);
    const things = stack.formatArn({ service: 'iot', resource: 'thing', resourceName: '*' });
    const identityThings = stack.formatArn({ service: 'iot', resource: 'thing', resourceName: `${stack.region}:*` });
    const add = (actions: string[], resources: string[]) =>
      grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
    add(['iot:DescribeThing', 'iot:UpdateThing'], [things]);
    // ListThings has no resource type: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsiot.html
    add(['iot:ListThings'], ['*']);
    add(['iot:DeleteThingShadow'], [identityThings]);
    add(['iot:UpdateThingShadow'], [things]);
    const arn = (name: string) => `arn:${nagPartition(this)}:iot:${nagRegion(this)}:${nagAccount(this)}:thing/${name}`;
    const role = grantee.executionRole;
    acknowledge(role, `IAM5[Resource::${arn('*')}]`, 'Device thing names are chosen by operators (no common prefix): DescribeThing, the conditional UpdateThing of owner and the device shadow notice need any thing.');
    acknowledge(role, `IAM5[Resource::${arn(`${nagRegion(this)}:*`)}]`, 'Twins live on identity things, named by identity id (region:guid): the wildcard is limited to identity-shaped names.');
    acknowledge(role, 'IAM5[Resource::*]', 'iot:ListThings has no resource type; it lists a user\'s devices by the owner attribute.');
  }

  /**
   * Lets a function use `actions` on users' shadows. They live on identity things, named by
   * identity id (`<region>:<guid>`), so the grant covers identity-shaped thing names only.
   */
  grantUserShadows(grantee: ProductFunction, actions: string[]): void {
    const stack = Stack.of(this);
    const identityThings = stack.formatArn({ service: 'iot', resource: 'thing', resourceName: `${stack.region}:*` });
    grantee.addToRolePolicy(new PolicyStatement({ actions, resources: [identityThings] }));
    acknowledge(
      grantee.executionRole,
      `IAM5[Resource::arn:${nagPartition(this)}:iot:${nagRegion(this)}:${nagAccount(this)}:thing/${nagRegion(this)}:*]`,
      'User shadows are named by identity id (region:guid); the wildcard is limited to identity-shaped thing names.',
    );
  }

  get identityPoolArn(): string {
    return Stack.of(this).formatArn({ service: 'cognito-identity', resource: 'identitypool', resourceName: this.identityPool.ref });
  }

  /** Stack outputs a client or operator needs. */
  addOutputs(): void {
    new CfnOutput(this, 'IdentityPoolId', { key: StackOutputs.IdentityPoolId, value: this.identityPool.ref });
    new CfnOutput(this, 'DeveloperProviderName', { key: StackOutputs.DeveloperProviderName, value: this.developerProviderName });
    new CfnOutput(this, 'IotPolicyName', { key: StackOutputs.IotPolicyName, value: this.policyName });
    new CfnOutput(this, 'DevicePolicyName', { key: StackOutputs.DevicePolicyName, value: this.devicePolicyName });
  }
}
