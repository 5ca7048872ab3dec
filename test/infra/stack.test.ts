import { Match } from 'aws-cdk-lib/assertions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import { iotPolicyDocument } from '../../functions/shared/iot-policy/user-policy';
import { devicePolicyDocument } from '../../functions/shared/iot-policy/device-policy';
import { ApiRoutes } from '../../functions/shared/routes';
import { actionsOfRole, FUNCTION_BUDGETS, joined, LOGS, logicalIdOf, roleOfFunctionIn, statementsOfRole, synthesize, testApp, timeoutsOf, X_RAY } from './synth';

let s: ReturnType<typeof synthesize>;
beforeAll(() => {
  s = synthesize();
});

const roleOfFunction = (fragment: string) => roleOfFunctionIn(s.resources, fragment);

describe('user directory', () => {
  it('wires the post-authentication trigger to the onboarding trigger function', () => {
    const triggerId = logicalIdOf(s.resources, 'AWS::Lambda::Function', 'OnboardingPostAuthentication');
    s.template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: { PostAuthentication: { 'Fn::GetAtt': [triggerId, 'Arn'] } },
    });
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [triggerId, 'Arn'] },
      Principal: 'cognito-idp.amazonaws.com',
    });
  });

  const clientProps = (constructId: string) => s.resources[logicalIdOf(s.resources, 'AWS::Cognito::UserPoolClient', constructId)]?.Properties ?? {};

  it.each(['AppClient', 'WebClient'])('lets the %s read the onboarding attributes but not write them', (constructId) => {
    const read = clientProps(constructId)['ReadAttributes'] as string[];
    const write = clientProps(constructId)['WriteAttributes'] as string[];
    expect(read).toEqual(expect.arrayContaining(['custom:iot_onboarded', 'custom:identity_id']));
    expect(write.filter((a) => a.startsWith('custom:'))).toEqual([]);
  });

  it.each(['AppClient', 'WebClient'])('enables no OAuth flow on the %s (no implicit grant, no example.com callback)', (constructId) => {
    const client = clientProps(constructId);
    expect(client['AllowedOAuthFlows']).toBeUndefined();
    expect(client['CallbackURLs']).toBeUndefined();
    expect(client['AllowedOAuthFlowsUserPoolClient']).toBe(false);
    expect(client['PreventUserExistenceErrors']).toBe('ENABLED');
  });

  it("gives the web app's client no secret and only the SRP and refresh flows", () => {
    const web = clientProps('WebClient');
    expect(web['GenerateSecret']).toBe(false);
    expect([...(web['ExplicitAuthFlows'] as string[])].sort()).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH']);
  });

  it("gives the web app's client the app client's token lifetimes and attributes", () => {
    const pick = ({ IdTokenValidity, AccessTokenValidity, RefreshTokenValidity, TokenValidityUnits, ReadAttributes, WriteAttributes }: Record<string, unknown>) =>
      ({ IdTokenValidity, AccessTokenValidity, RefreshTokenValidity, TokenValidityUnits, ReadAttributes, WriteAttributes });
    expect(pick(clientProps('WebClient'))).toEqual(pick(clientProps('AppClient')));
    expect(clientProps('WebClient')['IdTokenValidity']).toBeDefined();
  });

  it('gives the app client a secret and USER_PASSWORD_AUTH plus SRP', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']),
    });
  });
});

describe('identity pool and IoT access', () => {
  it('has only the developer provider: no user-pool provider, no unauthenticated identities', () => {
    const pool = Object.values(s.resources).find((r) => r.Type === 'AWS::Cognito::IdentityPool');
    expect(pool?.Properties).toMatchObject({ AllowUnauthenticatedIdentities: false, DeveloperProviderName: 'iot-onboarding.IotOnboarding' });
    expect(pool?.Properties?.CognitoIdentityProviders).toBeUndefined();
    expect(pool?.Properties?.SupportedLoginProviders).toBeUndefined();
  });

  it('gives the authenticated role exactly the IoT policy template\'s statements (dual authorization)', () => {
    const roleId = logicalIdOf(s.resources, 'AWS::IAM::Role', 'IotAccessAuthenticatedRole');
    const policy = s.resources[logicalIdOf(s.resources, 'AWS::IoT::Policy', 'IotAccessIotPolicy')];
    const iotStatements = (policy?.Properties?.PolicyDocument as { Statement: unknown[] }).Statement;
    const roleStatements = statementsOfRole(s.resources, roleId);
    const normalize = (st: unknown[]) =>
      st.map((x) => {
        const { Effect, Action, Resource } = x as { Effect: string; Action: string | string[]; Resource: unknown };
        return { Effect, Action: [Action].flat().sort(), Resource: [Resource].flat().map(joined).sort() };
      });
    expect(normalize(roleStatements)).toEqual(normalize(iotStatements));
    expect(iotStatements).toHaveLength(iotPolicyDocument({ region: 'r', account: 'a' }).Statement.length);
  });

  it('lets only authenticated identities of this pool assume the role', () => {
    const roleId = logicalIdOf(s.resources, 'AWS::IAM::Role', 'IotAccessAuthenticatedRole');
    const poolId = logicalIdOf(s.resources, 'AWS::Cognito::IdentityPool', 'IdentityPool');
    expect(s.resources[roleId]?.Properties?.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Condition: {
            StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: poolId } },
            'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
          },
        },
      ],
    });
  });

  it('renders the device policy template as a second IoT policy, with thing policy variables', () => {
    const policy = s.resources[logicalIdOf(s.resources, 'AWS::IoT::Policy', 'IotAccessDevicePolicy')];
    expect(policy?.Properties?.PolicyName).toBe('IotOnboarding-device-iot');
    const statements = (policy?.Properties?.PolicyDocument as { Statement: Array<{ Action: string[]; Resource: unknown[]; Condition?: unknown }> }).Statement;
    const expected = devicePolicyDocument({ partition: 'P', region: 'R', account: 'A' }).Statement;
    const normalize = (r: string) => r.replace(/^arn:.*:iot:.*?:(client|topic|topicfilter)\//, 'arn:$1/');
    expect(statements.map((st) => ({ Action: st.Action, Resource: st.Resource.map(joined).map(normalize), Condition: st.Condition }))).toEqual(
      expected.map((st) => ({ Action: st.Action, Resource: st.Resource.map(normalize), Condition: st.Condition })),
    );
    expect(JSON.stringify(statements)).toContain('$aws/things/${iot:Connection.Thing.Attributes[owner]}/shadow/name/${iot:Connection.Thing.ThingName}/*');
  });

  it('gives users no device_* shadow and no presence topic in either policy', () => {
    const user = JSON.stringify(s.resources[logicalIdOf(s.resources, 'AWS::IoT::Policy', 'IotAccessIotPolicy')]);
    expect(user).not.toContain('device_');
    expect(user).not.toContain('presence');
  });

  it('scopes the IoT policy\'s connect to the identity\'s own client id, bare or with a "-<suffix>" per tab', () => {
    const policy = s.resources[logicalIdOf(s.resources, 'AWS::IoT::Policy', 'IotAccessIotPolicy')];
    const connect = (policy?.Properties?.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }).Statement.find(
      (st) => [st.Action].flat().includes('iot:Connect'),
    );
    expect([connect?.Resource].flat().map(joined)).toEqual([
      expect.stringMatching(/:client\/\$\{cognito-identity\.amazonaws\.com:sub\}$/),
      expect.stringMatching(/:client\/\$\{cognito-identity\.amazonaws\.com:sub\}-\*$/),
    ]);
  });
});

describe('onboarding workflow', () => {
  it('is a Standard state machine with ALL logging and X-Ray tracing', () => {
    s.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('has a fully substituted definition that names the real functions, policy and pool', () => {
    const sm = Object.values(s.resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    const definition = joined(sm?.Properties?.DefinitionString);
    expect(definition).not.toContain('${');
    const resolveId = logicalIdOf(s.resources, 'AWS::Lambda::Function', 'OnboardingResolveIdentity');
    const poolId = logicalIdOf(s.resources, 'AWS::Cognito::UserPool', 'UsersUserPool');
    const compact = definition.replace(/\s+/g, '');
    expect(compact).toContain(`"FunctionName":"<{"Fn::GetAtt":["${resolveId}","Arn"]}>"`);
    expect(compact).toContain(`"UserPoolId":"<{"Ref":"${poolId}"}>"`);
    const attachQueue = logicalIdOf(s.resources, 'AWS::SQS::Queue', 'OnboardingAttachGateQueue');
    expect(compact).toContain(`"QueueUrl":"<{"Ref":"${attachQueue}"}>"`);
  });

  it('lets the state machine invoke its two tasks, hand identities to the attach gate and update users, nothing more', () => {
    const sm = Object.values(s.resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    const roleId = (sm?.Properties?.RoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    expect(actionsOfRole(s.resources, roleId).filter((a) => !a.startsWith('xray:') && !a.startsWith('logs:'))).toEqual([
      'cognito-idp:AdminUpdateUserAttributes',
      'lambda:InvokeFunction',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    const invoke = statementsOfRole(s.resources, roleId).find((st) => st.Action === 'lambda:InvokeFunction');
    expect((invoke?.Resource as unknown[]).map(joined).join()).not.toContain(':*');
  });

  it('lets the trigger start, describe and redrive onboarding executions only', () => {
    const roleId = roleOfFunction('OnboardingPostAuthentication');
    expect(actionsOfRole(s.resources, roleId)).toEqual(
      [...LOGS, 'states:DescribeExecution', 'states:RedriveExecution', 'states:StartExecution', ...X_RAY].sort(),
    );
    const redrive = statementsOfRole(s.resources, roleId).find((st) => [st.Action].flat().includes('states:RedriveExecution'));
    expect(joined(redrive?.Resource)).toMatch(/:execution:.*-onboarding:onboard-\*$/);
  });

  it('keeps the trigger inside Cognito\'s 5-second limit and tells it the onboarding version', () => {
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 5,
      Environment: { Variables: Match.objectLike({ ONBOARDING_VERSION: '1', STATE_MACHINE_ARN: Match.anyValue() }) },
    });
  });

  it('lets ResolveIdentity only resolve developer identities of this pool', () => {
    const roleId = roleOfFunction('OnboardingResolveIdentity');
    expect(actionsOfRole(s.resources, roleId)).toEqual([...LOGS, 'cognito-identity:GetOpenIdTokenForDeveloperIdentity', ...X_RAY].sort());
  });

  it('lets PublishWelcome only read and update thing shadows', () => {
    const roleId = roleOfFunction('OnboardingPublishWelcome');
    expect(actionsOfRole(s.resources, roleId)).toEqual([...LOGS, 'iot:GetThingShadow', 'iot:UpdateThingShadow', ...X_RAY].sort());
  });
});

describe('command API', () => {
  it('puts the user-pool JWT authorizer on every route, the device routes included', () => {
    const authorizerId = logicalIdOf(s.resources, 'AWS::ApiGatewayV2::Authorizer', 'Commands');
    expect(Object.values(ApiRoutes)).toEqual(expect.arrayContaining(['GET /devices', 'POST /devices/{thingName}/claim', 'DELETE /devices/{thingName}/claim']));
    for (const routeKey of Object.values(ApiRoutes)) {
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
      });
    }
    const appClientId = logicalIdOf(s.resources, 'AWS::Cognito::UserPoolClient', 'AppClient');
    const webClientId = logicalIdOf(s.resources, 'AWS::Cognito::UserPoolClient', 'WebClient');
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Audience: [{ Ref: appClientId }, { Ref: webClientId }], Issuer: Match.objectLike({ 'Fn::Join': Match.anyValue() }) },
    });
  });

  it('throttles the stage', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('lets the handler read users, resolve identities, ensure onboardings and own devices, but not publish as itself', () => {
    const roleId = roleOfFunction('CommandsHandler');
    expect(actionsOfRole(s.resources, roleId)).toEqual(
      [
        ...LOGS,
        'cognito-identity:GetOpenIdTokenForDeveloperIdentity',
        'cognito-idp:AdminGetUser',
        'iot:DeleteThingShadow',
        'iot:DescribeThing',
        'iot:ListThings',
        'iot:UpdateThing',
        'iot:UpdateThingShadow',
        'states:DescribeExecution',
        'states:RedriveExecution',
        'states:StartExecution',
        ...X_RAY,
      ].sort(),
    );
    const redrive = statementsOfRole(s.resources, roleId).find((st) => [st.Action].flat().includes('states:RedriveExecution'));
    expect(joined(redrive?.Resource)).toMatch(/:execution:.*-onboarding:onboard-\*$/);
    const start = statementsOfRole(s.resources, roleId).find((st) => [st.Action].flat().includes('states:StartExecution'));
    expect(joined(start?.Resource)).toMatch(/:stateMachine:.*-onboarding$/);
  });

  it('scopes each device-ownership statement: registry on things, twin deletion on identity things only, ListThings unscoped', () => {
    const statements = statementsOfRole(s.resources, roleOfFunction('CommandsHandler'));
    const resourceOf = (action: string) => joined(statements.find((st) => [st.Action].flat().includes(action))?.Resource);
    expect(resourceOf('iot:DescribeThing')).toMatch(/:iot:.*:thing\/\*$/);
    expect(resourceOf('iot:UpdateThing')).toMatch(/:iot:.*:thing\/\*$/);
    expect(resourceOf('iot:UpdateThingShadow')).toMatch(/:iot:.*:thing\/\*$/);
    expect(resourceOf('iot:DeleteThingShadow')).toMatch(/:iot:.*:thing\/.+:\*$/);
    expect(resourceOf('iot:ListThings')).toBe('*');
    expect(statements.some((st) => [st.Action].flat().some((a) => a === 'iot:Publish' || a === 'iot:DeleteThing'))).toBe(false);
  });

  it('tells the handler the onboarding it ensures: the same state machine and version as the trigger', () => {
    const fn = s.resources[logicalIdOf(s.resources, 'AWS::Lambda::Function', 'CommandsHandler')];
    const trigger = s.resources[logicalIdOf(s.resources, 'AWS::Lambda::Function', 'OnboardingPostAuthentication')];
    const vars = (r: typeof fn) => (r?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(vars(fn).ONBOARDING_VERSION).toBe('1');
    expect(joined(vars(fn).STATE_MACHINE_ARN)).toBe(joined(vars(trigger).STATE_MACHINE_ARN));
  });
});

describe('stack', () => {
  it("outputs the web app's public client as WebAppClientId", () => {
    const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs['WebAppClientId']?.Value).toEqual({ Ref: logicalIdOf(s.resources, 'AWS::Cognito::UserPoolClient', 'WebClient') });
  });

  it('outputs what clients and operators need', () => {
    const outputs = Object.keys(s.template.toJSON().Outputs as object);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'UserPoolId',
        'UserPoolClientId',
        'WebAppClientId',
        'IdentityPoolId',
        'DeveloperProviderName',
        'IotPolicyName',
        'DevicePolicyName',
        'StateMachineArn',
        'OnboardingVersion',
        'ApiUrl',
      ]),
    );
  });

  it('leaves no fixed-name log group behind after `cdk destroy` (a second deploy would fail)', () => {
    const template = s.template.toJSON() as { Resources: Record<string, { Type: string; DeletionPolicy?: string; Properties?: { LogGroupName?: unknown } }> };
    const blocking = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Logs::LogGroup' && r.Properties?.LogGroupName !== undefined && r.DeletionPolicy !== 'Delete')
      .map(([id]) => id);
    expect(blocking).toEqual([]);
  });

  it('gives every function the timeout of its time budget', () => {
    const { actual, expected } = timeoutsOf(s.resources, FUNCTION_BUDGETS);
    expect(actual).toEqual(expected);
  });

  it('deploys a state machine whose executions time out (TimeoutSeconds in the definition)', () => {
    const machine = Object.values(s.resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    // aws-cdk-lib drops StateMachine({ timeout }) for a definition from a string: the ASL must carry it.
    expect(joined(machine?.Properties?.DefinitionString)).toMatch(/"StartAt": "ResolveIdentity",\s*"TimeoutSeconds": 25200,/);
  });

  it('grants no role a wildcard action', () => {
    const actions = Object.keys(s.resources)
      .filter((id) => s.resources[id]?.Type === 'AWS::IAM::Role')
      .flatMap((id) => actionsOfRole(s.resources, id));
    expect(actions.filter((a) => a.endsWith('*'))).toEqual([]);
  });

  it('synthesizes with zero unacknowledged cdk-nag findings', () => {
    const { app } = buildApp(testApp());
    expect(() => app.synth()).not.toThrow();
  });

  it('fails synthesis when a finding is not acknowledged', () => {
    const { app, stack } = buildApp(testApp());
    new Role(stack, 'Unreviewed', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }),
    );
    expect(() => app.synth()).toThrow();
  });
});

describe('IoT custom authorizer', () => {
  it('is active, with signing disabled, backed by the authorizer function', () => {
    const fnId = logicalIdOf(s.resources, 'AWS::Lambda::Function', 'CustomAuthorizerHandler');
    s.template.hasResourceProperties('AWS::IoT::Authorizer', {
      AuthorizerName: 'IotOnboarding-cognito',
      SigningDisabled: true,
      Status: 'ACTIVE',
      AuthorizerFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] },
    });
  });

  it('lets IoT invoke the function only for this authorizer', () => {
    const fnId = logicalIdOf(s.resources, 'AWS::Lambda::Function', 'CustomAuthorizerHandler');
    const authorizerId = logicalIdOf(s.resources, 'AWS::IoT::Authorizer', 'CustomAuthorizer');
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      Principal: 'iot.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [authorizerId, 'Arn'] },
    });
    const permissions = Object.values(s.resources).filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties?.FunctionName).includes(fnId),
    );
    expect(permissions).toHaveLength(1);
  });

  it('lets the authorizer function read only its app client secret and its pool\'s users (InitiateAuth needs no IAM grant)', () => {
    const roleId = roleOfFunction('CustomAuthorizerHandler');
    expect(actionsOfRole(s.resources, roleId)).toEqual(
      [...LOGS, 'cognito-idp:AdminGetUser', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', ...X_RAY].sort(),
    );
    const secretId = logicalIdOf(s.resources, 'AWS::SecretsManager::Secret', 'AppClientSecret');
    const secretStatement = statementsOfRole(s.resources, roleId).find((st) => JSON.stringify(st.Action).includes('secretsmanager'));
    expect(secretStatement?.Resource).toEqual({ Ref: secretId });
    const read = statementsOfRole(s.resources, roleId).find((st) => st.Action === 'cognito-idp:AdminGetUser');
    expect(JSON.stringify(read?.Resource)).toContain('UsersUserPool');
  });

  it('keeps the app client secret out of the function environment', () => {
    const fnId = logicalIdOf(s.resources, 'AWS::Lambda::Function', 'CustomAuthorizerHandler');
    const variables = (s.resources[fnId]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables)).not.toContain('APP_CLIENT_SECRET');
    expect(variables.APP_CLIENT_SECRET_ID).toEqual({ Ref: logicalIdOf(s.resources, 'AWS::SecretsManager::Secret', 'AppClientSecret') });
  });

  it('outputs the authorizer name', () => {
    expect(Object.keys(s.template.toJSON().Outputs as object)).toContain('CustomAuthorizerName');
  });
});

describe('stack options', () => {
  it('synthesizes without the endpoint lookup when the IoT data endpoint is given', () => {
    const withEndpoint = synthesize({ iotDataEndpoint: 'https://abc-ats.iot.us-east-1.amazonaws.com', onboardingVersion: '7' });
    expect(Object.values(withEndpoint.resources).some((r) => r.Type === 'Custom::AWS' && JSON.stringify(r).includes('describeEndpoint'))).toBe(false);
    withEndpoint.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ONBOARDING_VERSION: '7' }) },
    });
  });
});
