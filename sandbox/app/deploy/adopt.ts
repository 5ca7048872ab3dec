import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient, CreateUserPoolCommand, DescribeUserPoolCommand, type UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { attachPostAuthentication, detachPostAuthentication } from '../../../functions/stack/pool-trigger/core';
import { silentLog } from '../../../functions/shared/observability/logging';
import { SANDBOX_REGION } from '../../wire/account';
import { onSandboxClock } from '../sdk-clock';
import type { DeployedIdentity } from './identity';
import { AUTHENTICATED_ROLE_ARN, BACKEND_SDK_CONFIG, DEVELOPER_PROVIDER, SANDBOX_STACK, functionArn } from './names';
import type { SandboxServices } from './services';

/** The team's own pre sign-up trigger: a function of theirs, which the product must leave alone. */
export const TEAM_PRE_SIGN_UP = `arn:aws:lambda:${SANDBOX_REGION}:000000000000:function:team-pre-sign-up`;
export const TEAM_PASSWORD = 'Team-Passw0rd!2026';

/**
 * The pool a team already runs before it adopts the product (design section 11): its own pre
 * sign-up trigger, MFA optional, email verification with its own message, a custom attribute,
 * tags, deletion protection, and no post-authentication trigger.
 */
export const TEAM_POOL = {
  PoolName: 'team-users',
  Policies: { PasswordPolicy: { MinimumLength: 12, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 3 } },
  DeletionProtection: 'ACTIVE',
  LambdaConfig: { PreSignUp: TEAM_PRE_SIGN_UP },
  AutoVerifiedAttributes: ['email'],
  VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE', EmailSubject: 'Your Team code', EmailMessage: 'Your Team code is {####}' },
  EmailVerificationSubject: 'Your Team code',
  EmailVerificationMessage: 'Your Team code is {####}',
  MfaConfiguration: 'OPTIONAL',
  UserPoolTags: { team: 'platform' },
  AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
  AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
  Schema: [{ Name: 'tenant', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '1', MaxLength: '32' } }],
} as const;

export interface AdoptedPool {
  readonly directory: DeployedIdentity;
  /** DescribeUserPool before the product touched the pool. */
  readonly before: UserPoolType;
  readonly teamUsers: readonly string[];
  /** How often the team's pre sign-up trigger ran (the product must not have stopped it). */
  readonly preSignUpCalls: () => number;
  /** What `cdk destroy` does to the pool: the custom resource's Delete. */
  readonly detach: () => Promise<void>;
  readonly describe: () => Promise<UserPoolType>;
}

/**
 * `npm start -- --adopt`: the team's pool exists first, with users who signed up before the
 * product; the stack is then deployed against it as `cdk deploy -c userPoolId … -c
 * addCustomAttributes=true` does: the product's app client and identity pool, and the custom
 * resource's own core (functions/stack/pool-trigger) through the real SDK, which sets only the
 * post-authentication trigger and adds the two attributes.
 */
export async function adoptTeamPool(services: Pick<SandboxServices, 'idp' | 'identity' | 'secretsManager'>, now: () => number, users = 5): Promise<AdoptedPool> {
  const { idp } = services;
  let preSignUps = 0;
  idp.registerFunction(TEAM_PRE_SIGN_UP, async (event) => {
    preSignUps++;
    return event;
  });
  const cognito = onSandboxClock(new CognitoIdentityProviderClient({ ...BACKEND_SDK_CONFIG, endpoint: idp.url }), now);
  const created = await cognito.send(new CreateUserPoolCommand(JSON.parse(JSON.stringify(TEAM_POOL))));
  const userPoolId = created.UserPool?.Id ?? '';
  const teamUsers = await createTeamUsers(cognito, userPoolId, users);
  const describe = async () => (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))).UserPool ?? {};
  const before = await describe();
  const request = { userPoolId, triggerArn: functionArn('post-authentication'), addAttributes: true };
  await attachPostAuthentication(request, { idp: cognito, log: silentLog });
  // What the product's deploy reads of the pool: its id, its issuer and where its keys are.
  const pool = { userPoolId, issuer: `https://cognito-idp.${SANDBOX_REGION}.amazonaws.com/${userPoolId}`, jwksUri: `${idp.url}/${userPoolId}/.well-known/jwks.json` };
  const { clientId, clientSecret } = idp.createAppClient(userPoolId, { generateSecret: true });
  if (!clientSecret) throw new Error('the adopted pool app client was created without a secret');
  const appClientSecret = services.secretsManager.createSecret(`${SANDBOX_STACK}-app-client-secret`, clientSecret);
  const { identityPoolId } = services.identity.createIdentityPool({ developerProviderName: DEVELOPER_PROVIDER, authenticatedRoleArn: AUTHENTICATED_ROLE_ARN });
  return {
    directory: { pool, client: { clientId, clientSecret }, appClientSecretArn: appClientSecret.arn, identityPoolId },
    before,
    teamUsers,
    preSignUpCalls: () => preSignUps,
    detach: () => detachPostAuthentication(request, { idp: cognito, log: silentLog }),
    describe,
  };
}

/** Users who signed up before the product: created by an administrator, with a permanent password. */
async function createTeamUsers(cognito: CognitoIdentityProviderClient, userPoolId: string, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `team-user-${i + 1}`);
  for (const username of names) {
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: `${username}@team.example` }, { Name: 'email_verified', Value: 'true' }] }));
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: TEAM_PASSWORD, Permanent: true }));
  }
  return names;
}
