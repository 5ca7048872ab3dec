import type { CreateUserPoolCommandInput, UpdateUserPoolCommandInput, UserPoolType } from '@aws-sdk/client-cognito-identity-provider';

/** A Lambda function ARN in the sandbox's account. */
export const lambdaArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** The triggers a team's pool already has before the product adopts it. */
export const TEAM_TRIGGERS = {
  PreSignUp: lambdaArn('team-pre-sign-up'),
  PostAuthentication: lambdaArn('team-audit'),
  PreTokenGeneration: lambdaArn('team-claims'),
  CustomMessage: lambdaArn('team-messages'),
};

/**
 * A pool a team already runs, every setting away from its default: other triggers, optional MFA,
 * email verification with its own message, a custom attribute, tags, deletion protection, the
 * PLUS tier with threat protection in audit mode.
 */
export function teamPoolRequest(poolName = 'team-users'): CreateUserPoolCommandInput {
  return {
    PoolName: poolName,
    Policies: {
      PasswordPolicy: { MinimumLength: 12, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: false, TemporaryPasswordValidityDays: 3 },
      SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD'] },
    },
    DeletionProtection: 'ACTIVE',
    LambdaConfig: { ...TEAM_TRIGGERS },
    AutoVerifiedAttributes: ['email'],
    VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE', EmailSubject: 'Your Team code', EmailMessage: 'Your Team code is {####}' },
    EmailVerificationSubject: 'Your Team code',
    EmailVerificationMessage: 'Your Team code is {####}',
    MfaConfiguration: 'OPTIONAL',
    UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
    DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
    EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT', ReplyToEmailAddress: 'support@example.com' },
    UserPoolTags: { team: 'platform' },
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, InviteMessageTemplate: { EmailSubject: 'Welcome', EmailMessage: 'Hello {username}, your password is {####}' } },
    AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    UserPoolTier: 'PLUS',
    UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
    AliasAttributes: ['email'],
    Schema: [{ Name: 'tenant', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '1', MaxLength: '32' } }],
  };
}

/** The members of DescribeUserPool's `UserPoolType` that UpdateUserPool accepts under the same name. */
const UPDATABLE = [
  'Policies',
  'DeletionProtection',
  'LambdaConfig',
  'AutoVerifiedAttributes',
  'SmsVerificationMessage',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'VerificationMessageTemplate',
  'SmsAuthenticationMessage',
  'UserAttributeUpdateSettings',
  'MfaConfiguration',
  'DeviceConfiguration',
  'EmailConfiguration',
  'SmsConfiguration',
  'UserPoolTags',
  'AdminCreateUserConfig',
  'UserPoolAddOns',
  'AccountRecoverySetting',
  'UserPoolTier',
] as const;

/**
 * An UpdateUserPool request that keeps everything DescribeUserPool reported: every updatable
 * member passed back, `Name` as `PoolName`, and AdminCreateUserConfig without the legacy
 * UnusedAccountValidityDays, which AWS refuses next to TemporaryPasswordValidityDays.
 */
export function updateRequestFrom(userPoolId: string, pool: UserPoolType): UpdateUserPoolCommandInput & Record<string, unknown> {
  const kept = Object.fromEntries(UPDATABLE.filter((member) => pool[member] !== undefined).map((member) => [member, structuredClone(pool[member])]));
  const request: UpdateUserPoolCommandInput & Record<string, unknown> = { ...kept, UserPoolId: userPoolId };
  if (pool.Name !== undefined) request.PoolName = pool.Name;
  if (request.AdminCreateUserConfig) {
    const { UnusedAccountValidityDays: _legacy, ...config } = request.AdminCreateUserConfig;
    request.AdminCreateUserConfig = config;
  }
  return request;
}

/** What a describe tells apart from another one of the same pool: not when it was last modified. */
export function comparable(pool: UserPoolType | undefined): Omit<UserPoolType, 'LastModifiedDate'> {
  const { LastModifiedDate: _modified, ...rest } = pool ?? {};
  return rest;
}
