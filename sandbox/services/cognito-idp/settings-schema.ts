import * as z from 'zod/mini';

/**
 * The user pool settings members of CreateUserPool and UpdateUserPool, with the constraints of
 * the Cognito service model (cognito-idp 2016-04-18: types, enums, lengths, ranges, patterns).
 * Unknown nested members are dropped, as the SDKs never send them.
 */

/** A model `pattern`, checked whole (the model's patterns are anchored implicitly) and named in AWS's words. */
function pattern(source: string) {
  const re = new RegExp(`^(?:${source})$`, 'u');
  return z.refine<string>((value) => re.test(value), { message: `Member must satisfy regular expression pattern: ${source}` });
}

const text = (min: number, max: number, source?: string) =>
  z.string().check(z.minLength(min), z.maxLength(max), ...(source === undefined ? [] : [pattern(source)]));

const VISIBLE = String.raw`\p{L}\p{M}\p{S}\p{N}\p{P}`;

/** `ArnType`. */
export const arnSchema = text(20, 2048, String.raw`arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?`);
/** `UserPoolNameType`. */
export const poolNameSchema = text(1, 128, String.raw`[\w\s+=,.@-]+`);

const versioned = <V extends readonly [string, ...string[]]>(versions: V) => z.object({ LambdaVersion: z.enum(versions), LambdaArn: arnSchema });

const lambdaConfig = z.object({
  PreSignUp: z.optional(arnSchema),
  CustomMessage: z.optional(arnSchema),
  PostConfirmation: z.optional(arnSchema),
  PreAuthentication: z.optional(arnSchema),
  PostAuthentication: z.optional(arnSchema),
  DefineAuthChallenge: z.optional(arnSchema),
  CreateAuthChallenge: z.optional(arnSchema),
  VerifyAuthChallengeResponse: z.optional(arnSchema),
  PreTokenGeneration: z.optional(arnSchema),
  UserMigration: z.optional(arnSchema),
  PreTokenGenerationConfig: z.optional(versioned(['V1_0', 'V2_0', 'V3_0'])),
  CustomSMSSender: z.optional(versioned(['V1_0'])),
  CustomEmailSender: z.optional(versioned(['V1_0'])),
  KMSKeyID: z.optional(arnSchema),
  InboundFederation: z.optional(versioned(['V1_0'])),
});

const passwordPolicy = z.object({
  MinimumLength: z.optional(z.int().check(z.minimum(6), z.maximum(99))),
  RequireUppercase: z.optional(z.boolean()),
  RequireLowercase: z.optional(z.boolean()),
  RequireNumbers: z.optional(z.boolean()),
  RequireSymbols: z.optional(z.boolean()),
  PasswordHistorySize: z.optional(z.int().check(z.minimum(0), z.maximum(24))),
  TemporaryPasswordValidityDays: z.optional(z.int().check(z.minimum(0), z.maximum(365))),
});

const policies = z.object({
  PasswordPolicy: z.optional(passwordPolicy),
  SignInPolicy: z.optional(
    z.object({ AllowedFirstAuthFactors: z.optional(z.array(z.enum(['PASSWORD', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN'])).check(z.minLength(1), z.maxLength(4))) }),
  ),
});

const verifiedAttributes = z.array(z.enum(['phone_number', 'email']));
const smsMessage = text(6, 140, String.raw`.*\{####\}.*`);
const emailMessage = text(6, 20_000, String.raw`[${VISIBLE}\s*]*\{####\}[${VISIBLE}\s*]*`);
const emailSubject = text(1, 140, String.raw`[${VISIBLE}\s]+`);

const verificationMessageTemplate = z.object({
  SmsMessage: z.optional(smsMessage),
  EmailMessage: z.optional(emailMessage),
  EmailSubject: z.optional(emailSubject),
  EmailMessageByLink: z.optional(text(6, 20_000, String.raw`[${VISIBLE}\s*]*\{##[${VISIBLE}\s*]*##\}[${VISIBLE}\s*]*`)),
  EmailSubjectByLink: z.optional(emailSubject),
  DefaultEmailOption: z.optional(z.enum(['CONFIRM_WITH_LINK', 'CONFIRM_WITH_CODE'])),
});

const emailConfiguration = z.object({
  SourceArn: z.optional(arnSchema),
  ReplyToEmailAddress: z.optional(z.string().check(pattern(`[${VISIBLE}]+@[${VISIBLE}]+`))),
  EmailSendingAccount: z.optional(z.enum(['COGNITO_DEFAULT', 'DEVELOPER'])),
  From: z.optional(z.string()),
  ConfigurationSet: z.optional(text(1, 64, '[a-zA-Z0-9_-]+')),
});

const adminCreateUserConfig = z.object({
  AllowAdminCreateUserOnly: z.optional(z.boolean()),
  UnusedAccountValidityDays: z.optional(z.int().check(z.minimum(0), z.maximum(365))),
  InviteMessageTemplate: z.optional(
    z.object({ SMSMessage: z.optional(text(6, 140)), EmailMessage: z.optional(text(6, 20_000)), EmailSubject: z.optional(emailSubject) }),
  ),
});

/** Every member UpdateUserPool accepts (its request shape in the service model), and so CreateUserPool too. */
export const UPDATABLE = {
  Policies: policies,
  DeletionProtection: z.enum(['ACTIVE', 'INACTIVE']),
  LambdaConfig: lambdaConfig,
  AutoVerifiedAttributes: verifiedAttributes,
  SmsVerificationMessage: smsMessage,
  EmailVerificationMessage: emailMessage,
  EmailVerificationSubject: emailSubject,
  VerificationMessageTemplate: verificationMessageTemplate,
  SmsAuthenticationMessage: smsMessage,
  UserAttributeUpdateSettings: z.object({ AttributesRequireVerificationBeforeUpdate: z.optional(verifiedAttributes) }),
  MfaConfiguration: z.enum(['OFF', 'ON', 'OPTIONAL']),
  DeviceConfiguration: z.object({ ChallengeRequiredOnNewDevice: z.optional(z.boolean()), DeviceOnlyRememberedOnUserPrompt: z.optional(z.boolean()) }),
  EmailConfiguration: emailConfiguration,
  SmsConfiguration: z.object({ SnsCallerArn: arnSchema, ExternalId: z.optional(z.string()), SnsRegion: z.optional(text(5, 32)) }),
  UserPoolTags: z.record(text(1, 128), z.string().check(z.maxLength(256))),
  AdminCreateUserConfig: adminCreateUserConfig,
  UserPoolAddOns: z.object({
    AdvancedSecurityMode: z.enum(['OFF', 'AUDIT', 'ENFORCED']),
    AdvancedSecurityAdditionalFlows: z.optional(z.object({ CustomAuthMode: z.optional(z.enum(['AUDIT', 'ENFORCED'])) })),
  }),
  AccountRecoverySetting: z.object({
    RecoveryMechanisms: z.optional(
      z.array(z.object({ Priority: z.int().check(z.minimum(1), z.maximum(2)), Name: z.enum(['verified_email', 'verified_phone_number', 'admin_only']) })).check(z.minLength(1), z.maxLength(2)),
    ),
  }),
  PoolName: poolNameSchema,
  UserPoolTier: z.enum(['LITE', 'ESSENTIALS', 'PLUS']),
};

export type UpdatableMember = keyof typeof UPDATABLE;
export type PoolSettingsInput = { -readonly [K in UpdatableMember]?: z.infer<(typeof UPDATABLE)[K]> };
export type LambdaConfig = z.infer<typeof lambdaConfig>;
export type PasswordPolicy = z.infer<typeof passwordPolicy>;

/** Members only CreateUserPool takes: they are fixed for the pool's life ("Settings you can't change", Cognito developer guide). */
export const CREATE_ONLY = {
  AliasAttributes: z.array(z.enum(['phone_number', 'email', 'preferred_username'])),
  UsernameAttributes: z.array(z.enum(['phone_number', 'email'])),
  UsernameConfiguration: z.object({ CaseSensitive: z.boolean() }),
};
export type CreateOnlySettings = { -readonly [K in keyof typeof CREATE_ONLY]?: z.infer<(typeof CREATE_ONLY)[K]> };

/** `SchemaAttributeType`, as CreateUserPool's `Schema` and AddCustomAttributes' `CustomAttributes` carry it. */
export const schemaAttributeSchema = z.object({
  Name: z.optional(text(1, 20, `[${VISIBLE}]+`)),
  AttributeDataType: z.optional(z.enum(['String', 'Number', 'DateTime', 'Boolean'])),
  DeveloperOnlyAttribute: z.optional(z.boolean()),
  Mutable: z.optional(z.boolean()),
  Required: z.optional(z.boolean()),
  NumberAttributeConstraints: z.optional(z.object({ MinValue: z.optional(z.string()), MaxValue: z.optional(z.string()) })),
  StringAttributeConstraints: z.optional(z.object({ MinLength: z.optional(z.string()), MaxLength: z.optional(z.string()) })),
});
export type SchemaAttribute = z.infer<typeof schemaAttributeSchema>;

/**
 * Request members newer SDKs model (`DcrConfiguration`, `KeyConfiguration`,
 * `IssuerConfiguration`, `AcrConfiguration`) that the sandbox does not emulate: refused rather
 * than silently dropped.
 */
export const UNSUPPORTED_MEMBERS = ['DcrConfiguration', 'KeyConfiguration', 'IssuerConfiguration', 'AcrConfiguration'] as const;
