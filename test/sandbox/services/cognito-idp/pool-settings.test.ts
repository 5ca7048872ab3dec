import {
  AddCustomAttributesCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ListUserPoolsCommand,
  UpdateUserPoolCommand,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';

import { errorOf } from '../../../support/aws-error';
import { comparable, TEAM_TRIGGERS, teamPoolRequest, updateRequestFrom } from '../../../support/existing-user-pool';
import { cognitoIdpFixture } from '../../../support/cognito-idp-fixture';

const f = cognitoIdpFixture();

let counter = 0;
const created: string[] = [];



async function teamPool(): Promise<string> {
  const out = await f.cognito.send(new CreateUserPoolCommand(teamPoolRequest(`team-${++counter}`)));
  created.push(out.UserPool?.Id ?? '');
  return out.UserPool?.Id ?? '';
}

async function describePool(userPoolId: string): Promise<UserPoolType> {
  return (await f.cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))).UserPool ?? {};
}

const customAttribute = (pool: UserPoolType, name: string) => pool.SchemaAttributes?.find((a) => a.Name === name);

describe('CreateUserPool and DescribeUserPool', () => {
  it('keeps every setting the request gives and describes the pool as UserPoolType', async () => {
    const userPoolId = await teamPool();
    const pool = await describePool(userPoolId);
    expect(pool).toMatchObject({
      Id: userPoolId,
      Name: `team-${counter}`,
      Arn: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${userPoolId}`,
      LambdaConfig: TEAM_TRIGGERS,
      MfaConfiguration: 'OPTIONAL',
      AutoVerifiedAttributes: ['email'],
      VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE', EmailSubject: 'Your Team code', EmailMessage: 'Your Team code is {####}' },
      DeletionProtection: 'ACTIVE',
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireSymbols: false, TemporaryPasswordValidityDays: 3 } },
      UserPoolTags: { team: 'platform' },
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' },
      AliasAttributes: ['email'],
      // The legacy mirror of TemporaryPasswordValidityDays that DescribeUserPool still reports.
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 3 },
      EstimatedNumberOfUsers: 0,
    });
    expect(pool.CreationDate).toBeInstanceOf(Date);
    expect(customAttribute(pool, 'custom:tenant')).toEqual({
      Name: 'custom:tenant',
      AttributeDataType: 'String',
      DeveloperOnlyAttribute: false,
      Mutable: true,
      Required: false,
      StringAttributeConstraints: { MinLength: '1', MaxLength: '32' },
    });
    expect(customAttribute(pool, 'sub')).toMatchObject({ Mutable: false, Required: true });
  });

  it('gives every setting a request leaves out its default', async () => {
    const plain = await f.cognito.send(new CreateUserPoolCommand({ PoolName: 'plain' }));
    created.push(plain.UserPool?.Id ?? '');
    expect(plain.UserPool).toMatchObject({
      LambdaConfig: {},
      MfaConfiguration: 'OFF',
      DeletionProtection: 'INACTIVE',
      Policies: { PasswordPolicy: { MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7 } },
      VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE' },
      EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
      UserPoolTier: 'ESSENTIALS',
    });
    expect(plain.UserPool?.AutoVerifiedAttributes).toBeUndefined();
    expect(plain.UserPool?.AccountRecoverySetting).toBeUndefined();
  });

  it('refuses a setting outside the service model with InvalidParameterException in AWS words', async () => {
    const error = await errorOf(f.cognito.send(new CreateUserPoolCommand({ PoolName: 'bad', LambdaConfig: { PreSignUp: 'not-an-arn-but-long-enough' } })));
    expect(error).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(error.message).toMatch(/^1 validation error detected: Value 'not-an-arn-but-long-enough' at 'lambdaConfig\.preSignUp' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:/);
  });

  it('answers ResourceNotFoundException for a pool that does not exist', async () => {
    const error = await errorOf(f.cognito.send(new DescribeUserPoolCommand({ UserPoolId: 'us-east-1_nothere00' })));
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', message: 'User pool us-east-1_nothere00 does not exist.' });
  });
});

describe('UpdateUserPool', () => {
  it('resets every updatable setting the request leaves out: an update with only LambdaConfig wipes MFA, verification and the other triggers', async () => {
    const userPoolId = await teamPool();
    const product = 'arn:aws:lambda:us-east-1:000000000000:function:product-post-authentication';
    await f.cognito.send(new UpdateUserPoolCommand({ UserPoolId: userPoolId, LambdaConfig: { PostAuthentication: product } }));
    const pool = await describePool(userPoolId);
    expect(pool.LambdaConfig).toEqual({ PostAuthentication: product });
    expect(pool).toMatchObject({
      MfaConfiguration: 'OFF',
      DeletionProtection: 'INACTIVE',
      VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE' },
      UserPoolTags: {},
      Policies: { PasswordPolicy: { MinimumLength: 8, RequireSymbols: true, TemporaryPasswordValidityDays: 7 } },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    });
    for (const member of ['AutoVerifiedAttributes', 'EmailVerificationMessage', 'EmailVerificationSubject', 'DeviceConfiguration', 'AccountRecoverySetting', 'UserPoolAddOns'] as const) {
      expect(pool[member], member).toBeUndefined();
    }
    expect(pool.UserAttributeUpdateSettings).toEqual({ AttributesRequireVerificationBeforeUpdate: [] });
    expect(pool.AdminCreateUserConfig?.InviteMessageTemplate).toBeUndefined();
  });

  it('keeps the tier, the name, the schema and the sign-in aliases, which an update does not reset', async () => {
    const userPoolId = await teamPool();
    await f.cognito.send(new UpdateUserPoolCommand({ UserPoolId: userPoolId }));
    const pool = await describePool(userPoolId);
    expect(pool).toMatchObject({ UserPoolTier: 'PLUS', Name: `team-${counter}`, AliasAttributes: ['email'] });
    expect(customAttribute(pool, 'custom:tenant')).toBeDefined();
  });

  it('changes only the post-authentication trigger when the request passes back everything DescribeUserPool reported', async () => {
    const userPoolId = await teamPool();
    const before = await describePool(userPoolId);
    const product = 'arn:aws:lambda:us-east-1:000000000000:function:product-post-authentication';
    const request = updateRequestFrom(userPoolId, before);
    await f.cognito.send(new UpdateUserPoolCommand({ ...request, LambdaConfig: { ...before.LambdaConfig, PostAuthentication: product } }));
    const after = await describePool(userPoolId);
    expect(comparable(after)).toEqual(comparable({ ...before, LambdaConfig: { ...TEAM_TRIGGERS, PostAuthentication: product } }));
  });

  it('refuses DescribeUserPool output passed back whole: the legacy UnusedAccountValidityDays next to TemporaryPasswordValidityDays', async () => {
    const userPoolId = await teamPool();
    const before = await describePool(userPoolId);
    const asDescribed = { ...updateRequestFrom(userPoolId, before), AdminCreateUserConfig: before.AdminCreateUserConfig, LambdaConfig: {} };
    const error = await errorOf(f.cognito.send(new UpdateUserPoolCommand(asDescribed)));
    expect(error).toMatchObject({ name: 'InvalidParameterException', message: 'Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays' });
    expect((await describePool(userPoolId)).LambdaConfig).toEqual(TEAM_TRIGGERS);
  });

  it('moves LastModifiedDate and leaves CreationDate', async () => {
    const userPoolId = await teamPool();
    const before = await describePool(userPoolId);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await f.cognito.send(new UpdateUserPoolCommand(updateRequestFrom(userPoolId, before)));
    const after = await describePool(userPoolId);
    expect(after.CreationDate).toEqual(before.CreationDate);
    expect(after.LastModifiedDate?.getTime()).toBeGreaterThan(before.LastModifiedDate?.getTime() ?? Infinity);
  });
});

describe('AddCustomAttributes', () => {
  it('adds a custom attribute to the schema', async () => {
    const userPoolId = await teamPool();
    await f.cognito.send(new AddCustomAttributesCommand({ UserPoolId: userPoolId, CustomAttributes: [{ Name: 'iot_onboarded', AttributeDataType: 'String', Mutable: true }] }));
    const pool = await describePool(userPoolId);
    expect(customAttribute(pool, 'custom:iot_onboarded')).toMatchObject({ AttributeDataType: 'String', Mutable: true, Required: false });
    expect(customAttribute(pool, 'custom:tenant')).toBeDefined();
  });

  it('refuses a name the pool already has, and adds none of the request', async () => {
    const userPoolId = await teamPool();
    const error = await errorOf(
      f.cognito.send(
        new AddCustomAttributesCommand({
          UserPoolId: userPoolId,
          CustomAttributes: [
            { Name: 'fresh', AttributeDataType: 'String' },
            { Name: 'tenant', AttributeDataType: 'String' },
          ],
        }),
      ),
    );
    expect(error).toMatchObject({ name: 'InvalidParameterException', message: 'custom:tenant: Existing attribute already has name custom:tenant.' });
    expect(customAttribute(await describePool(userPoolId), 'custom:fresh')).toBeUndefined();
  });
});

describe('ListUserPools', () => {
  it('pages through every pool with MaxResults and NextToken', async () => {
    await teamPool();
    await teamPool();
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await f.cognito.send(new ListUserPoolsCommand({ MaxResults: 2, NextToken: nextToken }));
      expect(page.UserPools?.length).toBeLessThanOrEqual(2);
      seen.push(...(page.UserPools ?? []).map((p) => p.Id ?? ''));
      nextToken = page.NextToken;
    } while (nextToken);
    expect(seen.sort()).toEqual([...created].sort());
  });

  it('lists each pool with its triggers', async () => {
    const userPoolId = await teamPool();
    const all = await f.cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(all.UserPools?.find((p) => p.Id === userPoolId)).toMatchObject({ Name: `team-${counter}`, LambdaConfig: TEAM_TRIGGERS });
  });
});

describe('authorization', () => {
  it('refuses an unsigned UpdateUserPool', async () => {
    const res = await fetch(f.idp.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.UpdateUserPool' },
      body: JSON.stringify({ UserPoolId: 'us-east-1_anything0' }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
  });
});
