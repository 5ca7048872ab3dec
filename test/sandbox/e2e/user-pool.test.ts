import { DescribeUserPoolCommand, UpdateUserPoolCommand, type UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionArn } from '../../../sandbox/app/deploy/names';
import { updateRequestFrom } from '../../support/existing-user-pool';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

async function describePool(): Promise<UserPoolType> {
  return (await h.idp.send(new DescribeUserPoolCommand({ UserPoolId: h.sandbox.userPool.userPoolId }))).UserPool ?? {};
}

describe("the sandbox's user pool", () => {
  it('describes the settings the stack gives its pool, the onboarding function as its post-authentication trigger', async () => {
    const pool = await describePool();
    expect(pool).toMatchObject({
      Name: 'IotOnboarding-users',
      LambdaConfig: { PostAuthentication: functionArn('post-authentication') },
      MfaConfiguration: 'OPTIONAL',
      DeletionProtection: 'ACTIVE',
      AutoVerifiedAttributes: ['email'],
      AliasAttributes: ['email'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      Policies: { PasswordPolicy: { MinimumLength: 8, RequireSymbols: true } },
    });
    const custom = (pool.SchemaAttributes ?? []).filter((a) => a.Name?.startsWith('custom:')).map((a) => a.Name);
    expect(custom).toEqual(['custom:iot_onboarded', 'custom:identity_id']);
  });

  it('onboards at sign-in only while its LambdaConfig names the post-authentication function', async () => {
    const before = await describePool();
    const userPoolId = h.sandbox.userPool.userPoolId;
    const invocations = () => h.sandbox.services.lambda.invocations['post-authentication'] ?? 0;
    try {
      await h.idp.send(new UpdateUserPoolCommand({ ...updateRequestFrom(userPoolId, before), LambdaConfig: {} }));
      const untriggered = await h.newUser('untriggered');
      const count = invocations();
      await h.app.signIn(untriggered, h.password);
      expect(invocations()).toBe(count);
    } finally {
      await h.idp.send(new UpdateUserPoolCommand(updateRequestFrom(userPoolId, before)));
    }
    const { status } = await h.signInAndOnboard(await h.newUser('triggered'));
    expect(status).toBe('SUCCEEDED');
  });
});
