import { AddCustomAttributesCommand, CognitoIdentityProviderClient, DescribeUserPoolCommand, UpdateUserPoolCommand, type UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { attachPostAuthentication, detachPostAuthentication, updateInputFor, UPDATABLE_POOL_MEMBERS } from '../../../../../functions/stack/pool-trigger/core';
import { awsError, recordingLog } from '../../../fixtures';

const idpMock = mockClient(CognitoIdentityProviderClient);
const POOL_ID = 'eu-west-1_Existing1';
const OURS = 'arn:aws:lambda:eu-west-1:123456789012:function:IotOnboarding-PostAuthentication';
const THEIRS = 'arn:aws:lambda:eu-west-1:123456789012:function:team-post-auth';
const PRE_SIGN_UP = 'arn:aws:lambda:eu-west-1:123456789012:function:team-pre-sign-up';

/** A team's pool with non-default settings everywhere the update could reset them. */
const existing = (lambda: UserPoolType['LambdaConfig'] = { PreSignUp: PRE_SIGN_UP }): UserPoolType => ({
  Id: POOL_ID,
  Name: 'team-pool',
  Arn: `arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${POOL_ID}`,
  Policies: { PasswordPolicy: { MinimumLength: 12, RequireSymbols: true, TemporaryPasswordValidityDays: 3 } },
  DeletionProtection: 'ACTIVE',
  LambdaConfig: lambda,
  AutoVerifiedAttributes: ['email'],
  VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_LINK', EmailSubjectByLink: 'Welcome to Lamps' },
  MfaConfiguration: 'OPTIONAL',
  EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
  UserPoolTags: { team: 'lamps' },
  AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7 },
  AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
  SchemaAttributes: [
    { Name: 'custom:plan', AttributeDataType: 'String', Mutable: true },
    { Name: 'custom:iot_onboarded', AttributeDataType: 'String', Mutable: true },
    { Name: 'custom:identity_id', AttributeDataType: 'String', Mutable: true },
  ],
  CreationDate: new Date('2025-01-01T00:00:00Z'),
});

/** A pool whose DescribeUserPool answers the state UpdateUserPool last wrote (or `described` until then). */
function pool(described: UserPoolType, afterUpdate?: (input: Record<string, unknown>) => UserPoolType) {
  let current = described;
  idpMock.on(DescribeUserPoolCommand).callsFake(() => ({ UserPool: current }));
  idpMock.on(UpdateUserPoolCommand).callsFake((input: Record<string, unknown>) => {
    current = afterUpdate ? afterUpdate(input) : { ...described, ...(input as UserPoolType) };
    return {};
  });
}

const deps = () => ({ idp: new CognitoIdentityProviderClient({ region: 'eu-west-1' }), log: recordingLog() });
const updates = () => idpMock.commandCalls(UpdateUserPoolCommand).map((c) => c.args[0].input as unknown as Record<string, unknown>);

describe('attaching the post-authentication trigger to an adopted pool', () => {
  beforeEach(() => idpMock.reset());

  it('passes back every updatable setting the pool has and changes only LambdaConfig.PostAuthentication', async () => {
    pool(existing());
    await attachPostAuthentication({ userPoolId: POOL_ID, triggerArn: OURS }, deps());
    const [input] = updates();
    const described = existing() as Record<string, unknown>;
    for (const member of UPDATABLE_POOL_MEMBERS) {
      if (member === 'LambdaConfig' || member === 'AdminCreateUserConfig' || member === 'PoolName') continue;
      expect(input?.[member], member).toEqual(described[member]);
    }
    expect(input?.LambdaConfig).toEqual({ PreSignUp: PRE_SIGN_UP, PostAuthentication: OURS });
    // Described as Name, updated as PoolName: without it the pool's name would be reset.
    expect(input?.PoolName).toBe('team-pool');
    // Describe-only members are not sent (UpdateUserPool would refuse them).
    expect(input).not.toHaveProperty('SchemaAttributes');
    expect(input).not.toHaveProperty('CreationDate');
  });

  it('leaves out UnusedAccountValidityDays when the password policy sets TemporaryPasswordValidityDays (the API takes one)', () => {
    expect(updateInputFor(existing(), POOL_ID, {}).AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: false });
    const withoutTemporary = { ...existing(), Policies: { PasswordPolicy: { MinimumLength: 12 } } };
    expect(updateInputFor(withoutTemporary, POOL_ID, {}).AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7 });
  });

  it('refuses a pool that runs another post-authentication trigger, naming it and the opt-in, and changes nothing', async () => {
    pool(existing({ PostAuthentication: THEIRS }));
    await expect(attachPostAuthentication({ userPoolId: POOL_ID, triggerArn: OURS }, deps())).rejects.toMatchObject({
      name: 'PoolTriggerConflict',
      message: expect.stringContaining(`already has a post-authentication trigger (${THEIRS}). Deploy with -c chainPostAuthentication=${THEIRS}`),
    });
    expect(updates()).toEqual([]);
  });

  it('replaces the existing trigger when the operator chains it (the product calls it next)', async () => {
    pool(existing({ PostAuthentication: THEIRS, PreSignUp: PRE_SIGN_UP }));
    await attachPostAuthentication({ userPoolId: POOL_ID, triggerArn: OURS, chainArn: THEIRS }, deps());
    expect(updates()[0]?.LambdaConfig).toEqual({ PreSignUp: PRE_SIGN_UP, PostAuthentication: OURS });
  });

  it('leaves a pool that already runs the product trigger as it is (a re-deploy)', async () => {
    pool(existing({ PostAuthentication: OURS }));
    await attachPostAuthentication({ userPoolId: POOL_ID, triggerArn: OURS }, deps());
    expect(updates()).toEqual([]);
  });

  it('fails, naming the setting, when describing again shows another setting changed (a naive update would reset MFA)', async () => {
    pool(existing(), (input) => ({ ...existing(), ...(input as UserPoolType), MfaConfiguration: 'OFF' }));
    await expect(attachPostAuthentication({ userPoolId: POOL_ID, triggerArn: OURS }, deps())).rejects.toMatchObject({
      name: 'PoolSettingsChanged',
      message: expect.stringContaining('changed MfaConfiguration besides the post-authentication trigger'),
    });
  });

  it('names a refused update as UpstreamRejected, with the pool untouched otherwise', async () => {
    pool(existing());
    idpMock.on(UpdateUserPoolCommand).rejects(awsError('NotAuthorizedException', 400));
    await expect(attachPostAuthentication({ userPoolId: POOL_ID, triggerArn: OURS }, deps())).rejects.toMatchObject({ name: 'UpstreamRejected' });
  });
});

describe("the product's custom attributes on an adopted pool (permanent once added)", () => {
  beforeEach(() => idpMock.reset());
  const withoutOurs = (): UserPoolType => ({ ...existing(), SchemaAttributes: [{ Name: 'custom:plan', AttributeDataType: 'String', Mutable: true }] });

  it('refuses a pool without them unless the operator consents, saying adding is permanent, and changes nothing', async () => {
    pool(withoutOurs());
    await expect(attachPostAuthentication({ userPoolId: POOL_ID, triggerArn: OURS }, deps())).rejects.toMatchObject({
      name: 'PoolAttributesMissing',
      message: expect.stringMatching(/lacks custom:iot_onboarded, custom:identity_id.*never removed: deploy with -c addCustomAttributes=true/),
    });
    expect(idpMock.commandCalls(AddCustomAttributesCommand)).toHaveLength(0);
    expect(updates()).toEqual([]);
  });

  it('adds only the missing ones with consent, then attaches the trigger', async () => {
    pool({ ...withoutOurs(), SchemaAttributes: [...(withoutOurs().SchemaAttributes ?? []), { Name: 'custom:identity_id', AttributeDataType: 'String' }] });
    idpMock.on(AddCustomAttributesCommand).resolves({});
    await attachPostAuthentication({ userPoolId: POOL_ID, triggerArn: OURS, addAttributes: true }, deps());
    expect(idpMock.commandCalls(AddCustomAttributesCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL_ID,
      CustomAttributes: [{ Name: 'iot_onboarded', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '1', MaxLength: '16' } }],
    });
    expect(updates()[0]?.LambdaConfig).toMatchObject({ PostAuthentication: OURS });
  });
});

describe('restoring the pool on stack deletion', () => {
  beforeEach(() => idpMock.reset());

  it('puts the chained trigger back and keeps every other trigger as the pool has it now', async () => {
    pool(existing({ PostAuthentication: OURS, PreSignUp: PRE_SIGN_UP }));
    await detachPostAuthentication({ userPoolId: POOL_ID, triggerArn: OURS, chainArn: THEIRS }, deps());
    expect(updates()[0]?.LambdaConfig).toEqual({ PreSignUp: PRE_SIGN_UP, PostAuthentication: THEIRS });
  });

  it('removes the trigger when there was none before', async () => {
    pool(existing({ PostAuthentication: OURS, PreSignUp: PRE_SIGN_UP }));
    await detachPostAuthentication({ userPoolId: POOL_ID, triggerArn: OURS }, deps());
    expect(updates()[0]?.LambdaConfig).toEqual({ PreSignUp: PRE_SIGN_UP });
  });

  it("leaves a pool alone whose trigger someone changed since, and a pool that is gone", async () => {
    pool(existing({ PostAuthentication: 'arn:aws:lambda:eu-west-1:123456789012:function:newer' }));
    await detachPostAuthentication({ userPoolId: POOL_ID, triggerArn: OURS }, deps());
    expect(updates()).toEqual([]);
    idpMock.on(DescribeUserPoolCommand).rejects(awsError('ResourceNotFoundException', 400));
    await expect(detachPostAuthentication({ userPoolId: POOL_ID, triggerArn: OURS }, deps())).resolves.toBeUndefined();
  });
});
