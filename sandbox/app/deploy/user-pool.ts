import { IDENTITY_ID_ATTRIBUTE, ONBOARDED_ATTRIBUTE } from '../../../functions/shared/workflows/onboarding';

/** "The verification code to your new account is {####}": aws-cdk-lib's default verification message. */
const CDK_VERIFICATION_MESSAGE = 'The verification code to your new account is {####}';
const CDK_VERIFICATION_SUBJECT = 'Verify your new account';

const customName = (attribute: string) => attribute.replace(/^custom:/, '');

/**
 * The CreateUserPool request the stack's user pool amounts to: the properties aws-cdk-lib
 * synthesizes for lib/constructs/user-directory.ts (default props: RETAIN, so deletion
 * protection is on), plus the post-authentication trigger the stack adds
 * (`onPostAuthentication`). test/sandbox/app/stack-user-pool.test.ts compares the two. The TOTP
 * second factor (CloudFormation's `EnabledMfas`) is SetUserPoolMfaConfig's, not part of this request.
 */
export function stackUserPoolSettings(postAuthenticationArn: string) {
  return {
    AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    AliasAttributes: ['email'],
    AutoVerifiedAttributes: ['email'],
    DeletionProtection: 'ACTIVE',
    EmailVerificationMessage: CDK_VERIFICATION_MESSAGE,
    EmailVerificationSubject: CDK_VERIFICATION_SUBJECT,
    LambdaConfig: { PostAuthentication: postAuthenticationArn },
    MfaConfiguration: 'OPTIONAL',
    Policies: { PasswordPolicy: { MinimumLength: 8, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, RequireUppercase: true } },
    Schema: [
      { AttributeDataType: 'String', Mutable: true, Name: customName(ONBOARDED_ATTRIBUTE), StringAttributeConstraints: { MaxLength: '16', MinLength: '1' } },
      { AttributeDataType: 'String', Mutable: true, Name: customName(IDENTITY_ID_ATTRIBUTE), StringAttributeConstraints: { MaxLength: '64', MinLength: '1' } },
    ],
    SmsVerificationMessage: CDK_VERIFICATION_MESSAGE,
    UserPoolTier: 'ESSENTIALS',
    VerificationMessageTemplate: {
      DefaultEmailOption: 'CONFIRM_WITH_CODE',
      EmailMessage: CDK_VERIFICATION_MESSAGE,
      EmailSubject: CDK_VERIFICATION_SUBJECT,
      SmsMessage: CDK_VERIFICATION_MESSAGE,
    },
  };
}

/**
 * The CreateUserPoolClient members the stack's two app clients amount to (lib/constructs/user-directory.ts):
 * the app's confidential client and the web app's public one. aws-cdk-lib always adds
 * ALLOW_REFRESH_TOKEN_AUTH. test/sandbox/app/stack-user-pool.test.ts compares them with the synthesized clients.
 */
export const STACK_APP_CLIENTS = {
  app: { generateSecret: true, explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
  web: { generateSecret: false, explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
} as const;
