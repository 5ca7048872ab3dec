import { CfnOutput, Duration, Stack, type SecretValue } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { acknowledge } from '../nag';
import { CfnAuthorizer } from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { ProductFunction } from './function';
import type { IotAccess } from './iot-access';
import { StackOutputs } from '../../functions/shared/stack-outputs';
import { FunctionBudgets } from '../../functions/shared/aws/time-budgets';

export interface IotCustomAuthorizerProps {
  readonly userPool: IUserPool;
  readonly appClient: IUserPoolClient;
  /**
   * The app client's secret (SECRET_HASH in password mode), stored in Secrets Manager for the
   * function. Undefined for a public client (no secret): password mode signs in without it.
   */
  readonly appClientSecret?: SecretValue | undefined;
  readonly access: IotAccess;
  /** Authorizer name. Default `<stack name>-cognito`. */
  readonly authorizerName?: string;
  /** Seconds a trust decision is reused; also the policy refresh interval (at least 300). Default 300. */
  readonly trustRevalidateSeconds?: number;
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
  /** The app client secret, which the authorizer reads (Secrets Manager); none for a public client. */
  readonly appClientSecret: Secret | undefined;

  constructor(scope: Construct, id: string, props: IotCustomAuthorizerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.authorizerName = props.authorizerName ?? `${stack.stackName}-cognito`;
    // The secret is not a plaintext environment variable (readable with lambda:GetFunctionConfiguration).
    this.appClientSecret = props.appClientSecret
      ? new Secret(this, 'AppClientSecret', {
          description: 'App client secret of the user pool app client, for SECRET_HASH in the IoT custom authorizer.',
          secretStringValue: props.appClientSecret,
        })
      : undefined;
    if (this.appClientSecret) {
      acknowledge(
        this.appClientSecret,
        'SMG4',
        'A Cognito app client secret cannot be rotated by a Secrets Manager rotation function; rotate it by replacing the app client.',
      );
    }
    this.handler = new ProductFunction(this, 'Handler', {
      source: 'iot-authorizer',
      timeout: Duration.seconds(FunctionBudgets.iotAuthorizer.timeoutSeconds),
      description: 'IoT Core custom authorizer: authenticates MQTT username/password against the user pool.',
      environment: {
        USER_POOL_ID: props.userPool.userPoolId,
        APP_CLIENT_ID: props.appClient.userPoolClientId,
        // Needed for SECRET_HASH in password mode; read from Secrets Manager and cached.
        ...(this.appClientSecret ? { APP_CLIENT_SECRET_ID: this.appClientSecret.secretArn } : {}),
        AWS_ACCOUNT_ID: stack.account,
        ...(props.trustRevalidateSeconds !== undefined ? { TRUST_REVALIDATE_SECONDS: String(props.trustRevalidateSeconds) } : {}),
      },
    });
    // No IAM grant for InitiateAuth: Cognito does not evaluate IAM for it (an unauthenticated API).
    this.appClientSecret?.grantRead(this.handler);
    // The trust rules (design section 9): AdminGetUser at a token-mode connect and at every policy refresh.
    this.handler.addToRolePolicy(new PolicyStatement({ actions: ['cognito-idp:AdminGetUser'], resources: [props.userPool.userPoolArn] }));

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
