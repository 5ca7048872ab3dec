import { CfnOutput, Duration, RemovalPolicy, type SecretValue } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StringAttribute,
  UserPool,
  UserPoolClient,
  type UserPoolClientOptions,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';
import { IDENTITY_ID_ATTRIBUTE, ONBOARDED_ATTRIBUTE } from '../../functions/shared/workflows/onboarding';
import { StackOutputs } from '../../functions/shared/stack-outputs';

export interface UserDirectoryProps {
  /** Removal policy of the user pool. Default RETAIN (users outlive the stack). */
  readonly removalPolicy?: RemovalPolicy;
  /** Let users sign themselves up. Default true. */
  readonly selfSignUpEnabled?: boolean;
  /** Cognito feature plan. Default ESSENTIALS; PLUS adds threat protection at a per-user price. */
  readonly featurePlan?: FeaturePlan;
}

const customName = (attribute: string) => attribute.replace(/^custom:/, '');

/**
 * The user pool and its two app clients. The workflow's two custom attributes
 * (`custom:iot_onboarded`, `custom:identity_id`) are readable by the clients and writable only by
 * the backend (AdminUpdateUserAttributes). `appClient` has a secret and allows USER_PASSWORD_AUTH
 * (the first source article's backend flow) and SRP; `webClient` is the web app's public client
 * (a page cannot keep a secret): SRP only. Both allow refresh (CDK always adds it).
 */
export class UserDirectory extends Construct {
  readonly userPool: UserPool;
  readonly appClient: UserPoolClient;
  /** The web app's public client (web/): no secret, USER_SRP_AUTH and REFRESH_TOKEN_AUTH only. */
  readonly webClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: UserDirectoryProps = {}) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: props.selfSignUpEnabled ?? true,
      signInAliases: { username: true, email: true },
      autoVerify: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      passwordPolicy: { minLength: 8, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      featurePlan: props.featurePlan ?? FeaturePlan.ESSENTIALS,
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      customAttributes: {
        [customName(ONBOARDED_ATTRIBUTE)]: new StringAttribute({ minLen: 1, maxLen: 16, mutable: true }),
        [customName(IDENTITY_ID_ATTRIBUTE)]: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      deletionProtection: (props.removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN,
    });

    if ((props.featurePlan ?? FeaturePlan.ESSENTIALS) !== FeaturePlan.PLUS) {
      acknowledge(this.userPool, 'COG8', 'Threat protection (PLUS plan) is priced per monthly active user; teams opt in with the featurePlan prop.');
    }
    acknowledge(
      this.userPool,
      'COG2',
      'MFA is optional (TOTP): backends and devices sign in with USER_PASSWORD_AUTH as in the source article; teams can require it.',
    );

    this.appClient = this.userPool.addClient('AppClient', { ...clientSettings(), generateSecret: true, authFlows: { userPassword: true, userSrp: true } });
    this.webClient = this.userPool.addClient('WebClient', { ...clientSettings(), generateSecret: false, authFlows: { userSrp: true } });
  }

  /** The app clients the product serves (the JWT authorizer's audiences): the app's and the web app's. */
  get appClients(): readonly UserPoolClient[] {
    return [this.appClient, this.webClient];
  }

  /** The app client's secret, for SECRET_HASH in the custom authorizer's password mode. */
  appClientSecret(): SecretValue {
    return this.appClient.userPoolClientSecret;
  }

  /** Runs `fn` after every successful sign-in (Cognito's post-authentication trigger). */
  onPostAuthentication(fn: IFunction): void {
    this.userPool.addTrigger(UserPoolOperation.POST_AUTHENTICATION, fn);
  }

  addOutputs(): void {
    new CfnOutput(this, 'UserPoolId', { key: StackOutputs.UserPoolId, value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { key: StackOutputs.UserPoolClientId, value: this.appClient.userPoolClientId });
    new CfnOutput(this, 'WebAppClientId', { key: StackOutputs.WebAppClientId, value: this.webClient.userPoolClientId });
  }
}

/** What both app clients share: no OAuth, no user-existence errors, the token lifetimes and the attributes they read and write. */
function clientSettings(): UserPoolClientOptions {
  const standard = { email: true, emailVerified: true, preferredUsername: true };
  return {
    // Without this, CDK enables the implicit and code OAuth flows with an example.com callback.
    disableOAuth: true,
    preventUserExistenceErrors: true,
    idTokenValidity: Duration.hours(1),
    accessTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.days(30),
    readAttributes: new ClientAttributes()
      .withStandardAttributes(standard)
      .withCustomAttributes(customName(ONBOARDED_ATTRIBUTE), customName(IDENTITY_ID_ATTRIBUTE)),
    writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, preferredUsername: true }),
  };
}
