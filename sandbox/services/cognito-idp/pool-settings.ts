import * as z from 'zod/mini';
import { invalidParameter, jsonMember } from '../../wire/json-target';
import { UNSUPPORTED_MEMBERS, UPDATABLE, type LambdaConfig, type PasswordPolicy, type PoolSettingsInput, type UpdatableMember } from './settings-schema';

/** A pool's updatable settings as DescribeUserPool reports them (after defaults). */
export interface PoolSettings extends Omit<PoolSettingsInput, 'Policies' | 'LambdaConfig' | 'PoolName' | 'UserPoolTier'> {
  Policies: { PasswordPolicy: EffectivePasswordPolicy; SignInPolicy: NonNullable<NonNullable<PoolSettingsInput['Policies']>['SignInPolicy']> };
  LambdaConfig: LambdaConfig;
  PoolName: string;
  UserPoolTier: NonNullable<PoolSettingsInput['UserPoolTier']>;
}

/** A password policy with every requirement decided. */
export type EffectivePasswordPolicy = PasswordPolicy &
  Required<Pick<PasswordPolicy, 'MinimumLength' | 'RequireUppercase' | 'RequireLowercase' | 'RequireNumbers' | 'RequireSymbols' | 'TemporaryPasswordValidityDays'>>;

/** "Defaults to 7" (PasswordPolicyType.TemporaryPasswordValidityDays; 0 means the default). */
const TEMPORARY_PASSWORD_DAYS = 7;

/**
 * The value of each updatable setting when a request leaves it out. CreateUserPool: "If you don't
 * provide a value for an attribute, Amazon Cognito sets it to its default value"; UpdateUserPool:
 * "With the exception of UserPoolTier, if you don't provide a value for an attribute, Amazon
 * Cognito sets it to its default value" (API reference), which "can reset configurations including
 * your attribute schema, your Lambda triggers, and your email and SMS message configuration"
 * (developer guide, "Updating user pool and app client configuration"). `undefined`: the member
 * is absent from DescribeUserPool.
 */
export function defaultSettings(): Omit<PoolSettings, 'PoolName' | 'UserPoolTier'> {
  return {
    // The console's "Cognito defaults" password policy: 8 characters with numbers, special
    // characters, upper and lower case; temporary passwords valid 7 days (PasswordPolicyType).
    // Password-only first factor, as DescribeUserPool shows a pool without choice-based sign-in.
    Policies: {
      PasswordPolicy: { MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: TEMPORARY_PASSWORD_DAYS },
      SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD'] },
    },
    // "When you create a user pool with the CreateUserPool API, deletion protection is inactive
    // by default" (developer guide, "User pool deletion protection").
    DeletionProtection: 'INACTIVE',
    // No Lambda triggers.
    LambdaConfig: {},
    // Cognito's own messages: the custom message fields are absent; the template sends codes
    // (DefaultEmailOption CONFIRM_WITH_CODE, as DescribeUserPool shows for a pool created without one).
    VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE' },
    // No attribute waits for verification before it changes.
    UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: [] },
    // MFA off, as DescribeUserPool reports a pool created without MfaConfiguration.
    MfaConfiguration: 'OFF',
    // "COGNITO_DEFAULT: When Amazon Cognito emails your users, it uses its built-in email functionality" (EmailConfigurationType).
    EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
    UserPoolTags: {},
    // Self-service sign-up allowed (AdminCreateUserConfigType.AllowAdminCreateUserOnly false).
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    // Left out on purpose: AutoVerifiedAttributes (none), the SMS/email verification and
    // authentication messages, DeviceConfiguration, SmsConfiguration, UserPoolAddOns (threat
    // protection off) and AccountRecoverySetting ("In the absence of this setting, Amazon Cognito
    // uses the legacy behavior", AccountRecoverySettingType).
  };
}

/** The members given in a CreateUserPool/UpdateUserPool request, validated (InvalidParameterException). */
export function parseSettings(input: Record<string, unknown>): PoolSettingsInput {
  for (const member of UNSUPPORTED_MEMBERS) {
    if (input[member] !== undefined && input[member] !== null) throw invalidParameter(`${member} is not supported by the sandbox`);
  }
  const given: Record<string, unknown> = {};
  for (const member of Object.keys(UPDATABLE) as UpdatableMember[]) {
    const value = jsonMember(z.nullish(UPDATABLE[member]), input, member);
    if (value !== undefined && value !== null) given[member] = value;
  }
  const settings = given as PoolSettingsInput;
  checkLegacyValidity(settings);
  checkPreTokenGeneration(settings.LambdaConfig);
  return settings;
}

/**
 * AdminCreateUserConfig.UnusedAccountValidityDays is the legacy form of TemporaryPasswordValidityDays:
 * "When you set TemporaryPasswordValidityDays for a user pool, you can no longer set a value for
 * the legacy UnusedAccountValidityDays parameter" (PasswordPolicyType). A request with both is
 * refused with the message AWS answers, which is what passing DescribeUserPool's output back
 * unchanged runs into.
 */
function checkLegacyValidity(settings: PoolSettingsInput): void {
  const legacy = settings.AdminCreateUserConfig?.UnusedAccountValidityDays;
  const current = settings.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays;
  if (legacy && current) throw invalidParameter('Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays');
}

/** "If you also set an ARN in PreTokenGenerationConfig, its value must be identical to PreTokenGeneration" (LambdaConfigType). */
function checkPreTokenGeneration(config: LambdaConfig | undefined): void {
  const legacy = config?.PreTokenGeneration;
  const detailed = config?.PreTokenGenerationConfig?.LambdaArn;
  if (legacy !== undefined && detailed !== undefined && legacy !== detailed) {
    throw invalidParameter('LambdaConfig.PreTokenGeneration and LambdaConfig.PreTokenGenerationConfig.LambdaArn must be identical');
  }
}

/** What a given password policy means: unset requirements are off, 0 days is the default (PasswordPolicyType). */
function passwordPolicyOf(given: PasswordPolicy | undefined, legacyDays: number | undefined): EffectivePasswordPolicy {
  const base = given ?? defaultSettings().Policies.PasswordPolicy;
  return {
    ...base,
    MinimumLength: base.MinimumLength ?? 8,
    RequireUppercase: base.RequireUppercase ?? false,
    RequireLowercase: base.RequireLowercase ?? false,
    RequireNumbers: base.RequireNumbers ?? false,
    RequireSymbols: base.RequireSymbols ?? false,
    TemporaryPasswordValidityDays: base.TemporaryPasswordValidityDays || legacyDays || TEMPORARY_PASSWORD_DAYS,
  };
}

/**
 * The settings a pool has after a CreateUserPool (no `previous`) or UpdateUserPool request: what
 * the request gives, and every updatable setting it leaves out at its default. Two exceptions:
 * UserPoolTier keeps its value on update (the API reference's one exception; ESSENTIALS at
 * creation: "Defaults to ESSENTIALS"), and PoolName, which has no default, keeps the pool's name.
 */
export function resolveSettings(given: PoolSettingsInput, previous: Pick<PoolSettings, 'PoolName' | 'UserPoolTier'>): PoolSettings {
  const defaults = defaultSettings();
  const settings: PoolSettings = { ...defaults, ...structuredClone(given), PoolName: given.PoolName ?? previous.PoolName, UserPoolTier: given.UserPoolTier ?? previous.UserPoolTier } as PoolSettings;
  const legacyDays = given.AdminCreateUserConfig?.UnusedAccountValidityDays;
  settings.Policies = {
    PasswordPolicy: passwordPolicyOf(given.Policies?.PasswordPolicy, legacyDays),
    SignInPolicy: given.Policies?.SignInPolicy ?? defaults.Policies.SignInPolicy,
  };
  const { UnusedAccountValidityDays: _legacy, ...adminCreateUser } = settings.AdminCreateUserConfig ?? {};
  settings.AdminCreateUserConfig = { ...adminCreateUser, AllowAdminCreateUserOnly: adminCreateUser.AllowAdminCreateUserOnly ?? false };
  return settings;
}
