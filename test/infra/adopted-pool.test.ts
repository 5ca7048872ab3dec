import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import { actionsOfRole, joined, LOGS, logicalIdOf, roleOfFunctionIn, statementsOfRole, synthesize, X_RAY } from './synth';

const POOL = 'eu-west-1_Team1234';
const CLIENTS = 'webclient111,mobileclient222';
const CHAIN = 'arn:aws:lambda:eu-west-1:123456789012:function:team-audit';
let s: ReturnType<typeof synthesize>;
beforeAll(() => {
  s = synthesize({ userPoolId: POOL, appClientIds: CLIENTS, chainPostAuthentication: CHAIN, addCustomAttributes: 'true' });
});

const ofType = (type: string) => Object.entries(s.resources).filter(([, r]) => r.Type === type);
const poolArn = `arn:<{"Ref":"AWS::Partition"}>:cognito-idp:<{"Ref":"AWS::Region"}>:<{"Ref":"AWS::AccountId"}>:userpool/${POOL}`;

describe('deploying against an existing user pool (-c userPoolId -c appClientIds)', () => {
  it('creates no user pool and no app client; the identity pool, the API and the authorizer use the adopted ones', () => {
    expect(ofType('AWS::Cognito::UserPool')).toEqual([]);
    expect(ofType('AWS::Cognito::UserPoolClient')).toEqual([]);
    const authorizer = ofType('AWS::ApiGatewayV2::Authorizer')[0]?.[1];
    expect(authorizer?.Properties?.JwtConfiguration).toMatchObject({ Audience: ['webclient111', 'mobileclient222'] });
    expect(joined((authorizer?.Properties?.JwtConfiguration as { Issuer: unknown }).Issuer)).toContain(`/${POOL}`);
    const customAuthorizer = s.resources[logicalIdOf(s.resources, 'AWS::Lambda::Function', 'CustomAuthorizerHandler')];
    expect(customAuthorizer?.Properties).toMatchObject({ Environment: { Variables: { USER_POOL_ID: POOL, APP_CLIENT_ID: 'webclient111' } } });
  });

  it('keeps no app client secret for a public first client (the default), and reads it at deploy time when told it has one', () => {
    expect(ofType('AWS::SecretsManager::Secret')).toEqual([]);
    const authorizer = s.resources[logicalIdOf(s.resources, 'AWS::Lambda::Function', 'CustomAuthorizerHandler')];
    expect((authorizer?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables).not.toHaveProperty('APP_CLIENT_SECRET_ID');
    const confidential = synthesize({ userPoolId: POOL, appClientIds: CLIENTS, appClientHasSecret: 'true' });
    const secrets = Object.values(confidential.resources).filter((r) => r.Type === 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1);
    const readers = Object.values(confidential.resources).filter((r) => r.Type === 'Custom::AWS').map((r) => joined(r.Properties?.Create));
    expect(readers.filter((call) => call.includes('describeUserPoolClient') && call.includes('webclient111'))).toHaveLength(1);
  });

  it('outputs the first client as WebAppClientId when it is public, and no WebAppClientId when it has a secret', () => {
    expect((s.template.toJSON().Outputs as Record<string, { Value: unknown }>)['WebAppClientId']?.Value).toBe('webclient111');
    const confidential = synthesize({ userPoolId: POOL, appClientIds: CLIENTS, appClientHasSecret: 'true' });
    expect(Object.keys(confidential.template.toJSON().Outputs as object)).not.toContain('WebAppClientId');
  });

  it("sets the trigger with the custom resource, chaining the pool's own and with consent to the attributes", () => {
    const [, resource] = ofType('Custom::PoolPostAuthentication')[0] ?? [];
    expect(resource?.Properties).toMatchObject({ UserPoolId: POOL, ChainArn: CHAIN, AddCustomAttributes: 'true' });
    expect(joined(resource?.Properties?.TriggerArn)).toContain(logicalIdOf(s.resources, 'AWS::Lambda::Function', 'OnboardingPostAuthentication'));
  });

  it("gives the product's trigger the pool's own to call after its part, and leave to invoke that one only", () => {
    const trigger = s.resources[logicalIdOf(s.resources, 'AWS::Lambda::Function', 'OnboardingPostAuthentication')];
    expect(trigger?.Properties).toMatchObject({ Environment: { Variables: { CHAINED_TRIGGER_ARN: CHAIN } } });
    const role = roleOfFunctionIn(s.resources, 'OnboardingPostAuthentication');
    const invoke = statementsOfRole(s.resources, role).filter((st) => st.Action === 'lambda:InvokeFunction');
    expect(invoke.map((st) => st.Resource)).toEqual([CHAIN]);
  });

  it('lets only the adopted pool invoke the trigger, and the custom resource wait for that permission', () => {
    const permission = ofType('AWS::Lambda::Permission').find(([id]) => id.includes('InvokedByAdoptedPool'));
    expect(permission?.[1].Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'cognito-idp.amazonaws.com' });
    expect(joined(permission?.[1].Properties?.SourceArn)).toBe(poolArn);
    const [, resource] = ofType('Custom::PoolPostAuthentication')[0] ?? [];
    expect(resource?.DependsOn).toEqual(expect.arrayContaining([permission?.[0]]));
  });

  it("scopes the custom resource's function to describing, updating and adding attributes to that pool", () => {
    const role = roleOfFunctionIn(s.resources, 'UsersPoolTrigger');
    expect(actionsOfRole(s.resources, role)).toEqual([...LOGS, 'cognito-idp:AddCustomAttributes', 'cognito-idp:DescribeUserPool', 'cognito-idp:UpdateUserPool', ...X_RAY].sort());
    expect(statementsOfRole(s.resources, role).filter((st) => String(st.Action).startsWith('cognito-idp') || (Array.isArray(st.Action) && String(st.Action[0]).startsWith('cognito-idp'))).map((st) => joined(st.Resource))).toEqual([poolArn]);
  });

  it.each([
    [{ appClientIds: CLIENTS }, /give its id with -c userPoolId/],
    [{ userPoolId: 'not-a-pool' }, /userPoolId "not-a-pool" is invalid: expected a user pool id/],
    [{ userPoolId: POOL }, /needs its app client ids: -c appClientIds=/],
    [{ userPoolId: POOL, appClientIds: CLIENTS, chainPostAuthentication: 'team-audit' }, /chainPostAuthentication "team-audit" is invalid: expected the Lambda function ARN/],
    [{ userPoolId: POOL, appClientIds: CLIENTS, addCustomAttributes: 'yes' }, /addCustomAttributes "yes" is invalid: expected true or false/],
    [{ userPoolId: POOL, appClientIds: CLIENTS, appClientHasSecret: '1' }, /appClientHasSecret "1" is invalid: expected true or false/],
  ])('refuses context %j, saying what was expected', (context, message) => {
    expect(() => buildApp(new App({ context }))).toThrow(message);
  });
});
