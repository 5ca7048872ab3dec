import { describe, expect, it } from 'vitest';
import { functionArn } from '../../../sandbox/app/deploy/names';
import { STACK_APP_CLIENTS, stackUserPoolSettings } from '../../../sandbox/app/deploy/user-pool';
import { logicalIdOf, synthesize } from '../../infra/synth';

/**
 * The sandbox deploys its user pool with the settings the stack gives the real one, so that
 * DescribeUserPool tells the truth about it: every property aws-cdk-lib synthesizes for the
 * stack's AWS::Cognito::UserPool is in the sandbox's CreateUserPool request with the same value.
 */
describe("the sandbox's user pool settings", () => {
  const { resources } = synthesize();
  const pool = resources[logicalIdOf(resources, 'AWS::Cognito::UserPool', 'Users')]?.Properties ?? {};
  const settings: Record<string, unknown> = stackUserPoolSettings(functionArn('post-authentication'));

  it('are the properties the stack synthesizes for its user pool', () => {
    // EnabledMfas is SetUserPoolMfaConfig's (the TOTP factor), not a CreateUserPool member;
    // LambdaConfig is compared below, with the sandbox's function ARN for CloudFormation's reference.
    const { EnabledMfas: _mfa, LambdaConfig: _triggers, ...properties } = pool;
    const { LambdaConfig: _sandboxTriggers, ...requested } = settings;
    expect(requested).toEqual(properties);
  });

  it('name the onboarding trigger as the post-authentication trigger, and nothing else', () => {
    const triggers = pool['LambdaConfig'] as Record<string, unknown>;
    expect(Object.keys(triggers)).toEqual(['PostAuthentication']);
    expect(Object.keys(settings['LambdaConfig'] as object)).toEqual(['PostAuthentication']);
  });

  it.each([
    ['app', 'AppClient'],
    ['web', 'WebClient'],
  ] as const)("create the %s client with the secret and the auth flows the stack's %s has", (client, constructId) => {
    const synthesized = resources[logicalIdOf(resources, 'AWS::Cognito::UserPoolClient', constructId)]?.Properties ?? {};
    const requested = STACK_APP_CLIENTS[client];
    expect(requested.generateSecret).toBe(synthesized['GenerateSecret']);
    expect([...requested.explicitAuthFlows].sort()).toEqual([...(synthesized['ExplicitAuthFlows'] as string[])].sort());
  });
});
