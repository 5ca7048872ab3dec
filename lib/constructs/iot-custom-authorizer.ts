import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { IUserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnAuthorizer } from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { ProductFunction } from './function';
import type { IotAccess } from './iot-access';
import { StackOutputs } from '../../functions/shared/stack-outputs';

export interface IotCustomAuthorizerProps {
  readonly userPool: IUserPool;
  readonly appClient: UserPoolClient;
  readonly access: IotAccess;
  /** Authorizer name. Default `<stack name>-cognito`. */
  readonly authorizerName?: string;
}

/**
 * The second source article's path, done right: an IoT Core custom authorizer (signing
 * disabled, MQTT username/password) backed by the user pool. The Lambda verifies ID tokens
 * locally or signs the user in with USER_PASSWORD_AUTH, and answers the user's own policy.
 * IoT may invoke the function only for this authorizer.
 */
export class IotCustomAuthorizer extends Construct {
  readonly handler: ProductFunction;
  readonly authorizer: CfnAuthorizer;
  readonly authorizerName: string;

  constructor(scope: Construct, id: string, props: IotCustomAuthorizerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.authorizerName = props.authorizerName ?? `${stack.stackName}-cognito`;
    this.handler = new ProductFunction(this, 'Handler', {
      source: 'iot-authorizer',
      description: 'IoT Core custom authorizer: authenticates MQTT username/password against the user pool.',
      environment: {
        USER_POOL_ID: props.userPool.userPoolId,
        APP_CLIENT_ID: props.appClient.userPoolClientId,
        // Needed for SECRET_HASH in password mode. Lambda encrypts environment variables at rest;
        // reading them needs lambda:GetFunctionConfiguration on this function.
        APP_CLIENT_SECRET: props.appClient.userPoolClientSecret.unsafeUnwrap(),
        AWS_ACCOUNT_ID: stack.account,
        DEVICE_PREFIX: props.access.devicePrefix,
      },
    });
    this.handler.addToRolePolicy(new PolicyStatement({ actions: ['cognito-idp:InitiateAuth'], resources: [props.userPool.userPoolArn] }));

    this.authorizer = new CfnAuthorizer(this, 'Authorizer', {
      authorizerName: this.authorizerName,
      authorizerFunctionArn: this.handler.functionArn,
      signingDisabled: true,
      status: 'ACTIVE',
      enableCachingForHttp: false,
    });
    this.handler.addPermission('InvokeByIot', {
      principal: new ServicePrincipal('iot.amazonaws.com'),
      sourceArn: this.authorizer.attrArn,
      sourceAccount: stack.account,
    });
  }

  addOutputs(): void {
    new CfnOutput(this, 'AuthorizerName', { key: StackOutputs.CustomAuthorizerName, value: this.authorizerName });
  }
}
