import { CreateUserPoolCommand, DescribeUserPoolClientCommand, DescribeUserPoolCommand, UpdateUserPoolCommand, type UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { attachPostAuthentication, detachPostAuthentication, settingsDiffering } from '../../../../../functions/stack/pool-trigger/core';
import { silentLog } from '../../../../../functions/shared/observability/logging';

import { lambdaArn, TEAM_TRIGGERS, teamPoolRequest } from '../../../../support/existing-user-pool';
import { cognitoIdpFixture } from '../../../../support/cognito-idp-fixture';

const f = cognitoIdpFixture();

/**
 * The adopted pool's trigger custom resource's core against the sandbox's user pools, whose
 * UpdateUserPool resets every setting it is not given as AWS does: a naive update fails here.
 */
let counter = 0;
const OURS = lambdaArn('IotOnboarding-PostAuthentication');
const deps = () => ({ idp: f.cognito, log: silentLog });


async function teamPool(): Promise<string> {
  return (await f.cognito.send(new CreateUserPoolCommand(teamPoolRequest(`adopted-${++counter}`)))).UserPool?.Id ?? '';
}
const describePool = async (userPoolId: string): Promise<UserPoolType> => (await f.cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))).UserPool ?? {};
const customAttributes = (pool: UserPoolType) => (pool.SchemaAttributes ?? []).map((a) => a.Name).filter((n) => n?.startsWith('custom:')).sort();

describe("an adopted pool's post-authentication trigger, against the sandbox's UpdateUserPool", () => {
  it('keeps every other setting and the app clients identical after the deploy (only the trigger moves) and after the delete (the team trigger back)', async () => {
    const userPoolId = await teamPool();
    // The team's own app client (the sandbox makes clients in process; CreateUserPoolClient is not emulated).
    const { clientId } = f.idp.createAppClient(userPoolId, { generateSecret: false, clientName: 'team-web' });
    const client = async () => (await f.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }))).UserPoolClient;
    const clientBefore = await client();
    const before = await describePool(userPoolId);

    await attachPostAuthentication({ userPoolId, triggerArn: OURS, chainArn: TEAM_TRIGGERS.PostAuthentication, addAttributes: true }, deps());
    const deployed = await describePool(userPoolId);
    expect(deployed.LambdaConfig).toEqual({ ...TEAM_TRIGGERS, PostAuthentication: OURS });
    expect(settingsDiffering(before, deployed)).toEqual([]);
    expect(deployed.Name).toBe(before.Name);
    // Added with consent, and permanent: the only schema change.
    expect(customAttributes(deployed)).toEqual(['custom:identity_id', 'custom:iot_onboarded', 'custom:tenant']);
    expect(await client()).toEqual(clientBefore);

    await detachPostAuthentication({ userPoolId, triggerArn: OURS, chainArn: TEAM_TRIGGERS.PostAuthentication }, deps());
    const deleted = await describePool(userPoolId);
    expect(deleted.LambdaConfig).toEqual(before.LambdaConfig);
    expect(settingsDiffering(before, deleted)).toEqual([]);
    expect(await client()).toEqual(clientBefore);
  });

  it('refuses a pool whose trigger is another function without the opt-in, and one lacking the attributes without consent, changing nothing', async () => {
    const userPoolId = await teamPool();
    const before = await describePool(userPoolId);
    await expect(attachPostAuthentication({ userPoolId, triggerArn: OURS, addAttributes: true }, deps())).rejects.toMatchObject({ name: 'PoolTriggerConflict' });
    await expect(attachPostAuthentication({ userPoolId, triggerArn: OURS, chainArn: TEAM_TRIGGERS.PostAuthentication }, deps())).rejects.toMatchObject({ name: 'PoolAttributesMissing' });
    const after = await describePool(userPoolId);
    expect(after.LambdaConfig).toEqual(before.LambdaConfig);
    expect(customAttributes(after)).toEqual(['custom:tenant']);
  });

  it('re-applies only the trigger after someone removed it, and a naive update (LambdaConfig alone) would have reset the rest', async () => {
    const userPoolId = await teamPool();
    await attachPostAuthentication({ userPoolId, triggerArn: OURS, chainArn: TEAM_TRIGGERS.PostAuthentication, addAttributes: true }, deps());
    const deployed = await describePool(userPoolId);
    // Someone's naive console script: UpdateUserPool with LambdaConfig alone.
    await f.cognito.send(new UpdateUserPoolCommand({ UserPoolId: userPoolId, LambdaConfig: { ...deployed.LambdaConfig, PostAuthentication: undefined } }));
    const wiped = await describePool(userPoolId);
    expect(settingsDiffering(deployed, wiped)).toEqual(expect.arrayContaining(['MfaConfiguration', 'DeletionProtection', 'UserPoolTags']));
    // The next deploy puts the trigger back on the pool as it now is, and changes nothing else.
    await attachPostAuthentication({ userPoolId, triggerArn: OURS, chainArn: TEAM_TRIGGERS.PostAuthentication }, deps());
    const redeployed = await describePool(userPoolId);
    expect(redeployed.LambdaConfig?.PostAuthentication).toBe(OURS);
    expect(settingsDiffering(wiped, redeployed)).toEqual([]);
  });
});
