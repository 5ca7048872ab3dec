import type { CreateUserPoolCommandInput, UpdateUserPoolCommandInput, UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { updateInputFor } from '../../functions/stack/pool-trigger/core';

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

/**
 * An UpdateUserPool request that keeps everything DescribeUserPool reported: the custom resource's
 * own mapping (functions/stack/pool-trigger/core.ts: every updatable member passed back, `Name` as
 * `PoolName`, the legacy UnusedAccountValidityDays left out next to TemporaryPasswordValidityDays).
 */
export function updateRequestFrom(userPoolId: string, pool: UserPoolType): UpdateUserPoolCommandInput & Record<string, unknown> {
  return structuredClone(updateInputFor(pool, userPoolId, pool.LambdaConfig ?? {})) as UpdateUserPoolCommandInput & Record<string, unknown>;
}

/** What a describe tells apart from another one of the same pool: not when it was last modified. */
export function comparable(pool: UserPoolType | undefined): Omit<UserPoolType, 'LastModifiedDate'> {
  const { LastModifiedDate: _modified, ...rest } = pool ?? {};
  return rest;
}
