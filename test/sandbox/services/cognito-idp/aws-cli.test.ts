import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCognitoIdp, type CognitoIdpServer } from '../../../../sandbox/services/cognito-idp';
import { FaultInjector } from '../../../../sandbox/wire/faults';
import { runAwsCli } from '../../../support/aws-cli';
import { TEAM_TRIGGERS, teamPoolRequest, updateRequestFrom } from '../../../support/existing-user-pool';

/**
 * The user pool settings operations through a second client: the AWS CLI installed on this
 * machine image (AWS CLI 1.45 on botocore 1.43, its own cognito-idp model and JSON 1.1
 * serializer), spawned as an operator would run it, with the sandbox's backend credentials.
 */
let idp: CognitoIdpServer;
let dir: string;
let counter = 0;

/** `aws cognito-idp <args>` against the sandbox's user pools, JSON output. */
function aws(args: string[]) {
  return runAwsCli(['cognito-idp', ...args, '--output', 'json', '--endpoint-url', idp.url]);
}

async function ok(args: string[]): Promise<Record<string, unknown>> {
  const run = await aws(args);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout.trim() === '' ? {} : (JSON.parse(run.stdout) as Record<string, unknown>);
}

/** Passes a request as the CLI's `--cli-input-json file://…`. */
function input(request: object): string[] {
  const file = join(dir, `request-${++counter}.json`);
  writeFileSync(file, JSON.stringify(request));
  return ['--cli-input-json', `file://${file}`];
}

async function createTeamPool(): Promise<string> {
  const out = await ok(['create-user-pool', ...input(teamPoolRequest(`cli-team-${++counter}`))]);
  return (out['UserPool'] as UserPoolType).Id ?? '';
}

async function describePool(userPoolId: string): Promise<UserPoolType> {
  return (await ok(['describe-user-pool', '--user-pool-id', userPoolId]))['UserPool'] as UserPoolType;
}

beforeAll(async () => {
  idp = await startCognitoIdp({ faults: new FaultInjector() });
  dir = mkdtempSync(join(tmpdir(), 'idp-cli-'));
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await idp?.close();
});

describe('user pool settings with the AWS CLI (aws-cli 1.45, botocore 1.43)', () => {
  it('creates a pool with non-default settings and describes them back', async () => {
    const userPoolId = await createTeamPool();
    const pool = await describePool(userPoolId);
    expect(pool).toMatchObject({ Id: userPoolId, LambdaConfig: TEAM_TRIGGERS, MfaConfiguration: 'OPTIONAL', AutoVerifiedAttributes: ['email'], DeletionProtection: 'ACTIVE', UserPoolTier: 'PLUS' });
    expect(pool.SchemaAttributes).toContainEqual(expect.objectContaining({ Name: 'custom:tenant', AttributeDataType: 'String' }));
  });

  it('update-user-pool with only --lambda-config wipes MFA, verification and the other triggers', async () => {
    const userPoolId = await createTeamPool();
    await ok(['update-user-pool', '--user-pool-id', userPoolId, '--lambda-config', 'PostAuthentication=arn:aws:lambda:us-east-1:000000000000:function:product']);
    const pool = await describePool(userPoolId);
    expect(pool.LambdaConfig).toEqual({ PostAuthentication: 'arn:aws:lambda:us-east-1:000000000000:function:product' });
    expect(pool).toMatchObject({ MfaConfiguration: 'OFF', DeletionProtection: 'INACTIVE', VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE' } });
    expect(pool.AutoVerifiedAttributes).toBeUndefined();
    expect(pool.UserPoolAddOns).toBeUndefined();
  });

  it('describe, then update with everything it reported, keeps every setting', async () => {
    const userPoolId = await createTeamPool();
    const before = await describePool(userPoolId);
    const product = 'arn:aws:lambda:us-east-1:000000000000:function:product';
    await ok(['update-user-pool', ...input({ ...updateRequestFrom(userPoolId, before), LambdaConfig: { ...before.LambdaConfig, PostAuthentication: product } })]);
    const after = await describePool(userPoolId);
    const { LastModifiedDate: _a, LambdaConfig: triggersAfter, ...restAfter } = after;
    const { LastModifiedDate: _b, LambdaConfig: _triggersBefore, ...restBefore } = before;
    expect(restAfter).toEqual(restBefore);
    expect(triggersAfter).toEqual({ ...TEAM_TRIGGERS, PostAuthentication: product });
  });

  it('refuses the describe output passed back whole, with AWS error code and message', async () => {
    const userPoolId = await createTeamPool();
    const before = await describePool(userPoolId);
    const run = await aws(['update-user-pool', ...input({ ...updateRequestFrom(userPoolId, before), AdminCreateUserConfig: before.AdminCreateUserConfig })]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('An error occurred (InvalidParameterException) when calling the UpdateUserPool operation: Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays');
  });

  it('add-custom-attributes adds, and refuses a name the pool has', async () => {
    const userPoolId = await createTeamPool();
    await ok(['add-custom-attributes', '--user-pool-id', userPoolId, '--custom-attributes', 'Name=iot_onboarded,AttributeDataType=String,Mutable=true']);
    expect((await describePool(userPoolId)).SchemaAttributes).toContainEqual(expect.objectContaining({ Name: 'custom:iot_onboarded', Mutable: true }));
    const run = await aws(['add-custom-attributes', '--user-pool-id', userPoolId, '--custom-attributes', 'Name=iot_onboarded,AttributeDataType=String']);
    expect(run.stderr).toContain('(InvalidParameterException) when calling the AddCustomAttributes operation: custom:iot_onboarded: Existing attribute already has name custom:iot_onboarded.');
  });

  it('list-user-pools lists the pools with their triggers', async () => {
    const userPoolId = await createTeamPool();
    const out = await ok(['list-user-pools', '--max-results', '60']);
    expect(out['UserPools']).toContainEqual(expect.objectContaining({ Id: userPoolId, LambdaConfig: TEAM_TRIGGERS }));
  });
});
