import { CognitoIdentityProviderClient, ListUsersCommand, type UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { SFNClient } from '@aws-sdk/client-sfn';
import { runBackfill } from '../../ops/backfill/run';
import { executionArnFor } from '../../functions/onboarding/post-authentication/core';
import { settingsDiffering } from '../../functions/stack/pool-trigger/core';
import { executionName } from '../../functions/shared/workflows/onboarding';
import { TEAM_PASSWORD } from '../app/deploy/adopt';
import { AppClient, subOf } from '../clients/app-client';
import type { Sandbox } from '..';
import type { Timeline } from './timeline';

const triggers = (pool: UserPoolType) => JSON.stringify(pool.LambdaConfig ?? {}).replaceAll(/arn:aws:lambda:[^"]*:function:/g, '');
const customAttributes = (pool: UserPoolType) => (pool.SchemaAttributes ?? []).map((a) => a.Name).filter((n) => n?.startsWith('custom:')).join(', ');
const unchanged = (before: UserPoolType, after: UserPoolType) => {
  const moved = settingsDiffering(before, after);
  return moved.length === 0 ? 'every other setting unchanged' : `CHANGED: ${moved.join(', ')}`;
};

/**
 * `npm start -- --adopt`: the team's pool existed first (its users, its own pre sign-up trigger,
 * MFA optional, its verification message, a custom attribute); the product adopted it as
 * `cdk deploy -c userPoolId … -c addCustomAttributes=true` does. A team user is onboarded at sign-in,
 * the team's trigger keeps running, and what `cdk destroy` does puts the pool back.
 */
export async function runAdoptionDemo(sb: Sandbox, t: Timeline): Promise<void> {
  const adopted = sb.adopted;
  if (!adopted) throw new Error('the sandbox was not started with --adopt');
  const { before } = adopted;
  t.step(`Sandbox ready, adopting the team's pool ${before.Id} ("${before.Name}"): ${adopted.teamUsers.length} users who signed up before the product`);
  t.detail(`before: triggers ${triggers(before)}; MFA ${before.MfaConfiguration}; verification "${before.EmailVerificationSubject}"; custom attributes ${customAttributes(before)}`);
  const deployed = await adopted.describe();
  t.step(`1. Deployed against it: triggers ${triggers(deployed)}; ${unchanged(before, deployed)}`);
  t.detail(`custom attributes ${customAttributes(deployed)} (the product's two added with consent: permanent)`);

  const app = new AppClient(sb.appConfig);
  const username = adopted.teamUsers[0] as string;
  const tokens = await app.signIn(username, TEAM_PASSWORD);
  const status = await sb.services.sfn.waitForExecution(executionArnFor(sb.stateMachineArn, executionName(subOf(tokens), sb.outputs.OnboardingVersion)));
  const access = await app.iotAccess((await app.signIn(username, TEAM_PASSWORD)).idToken);
  t.step(`2. ${username} signed in with the product's app client: onboarding ${status}, identity ${access.identityId}`);

  await backfillTeam(sb, t);

  const signUpsBefore = adopted.preSignUpCalls();
  await app.signUp('new-team-member', TEAM_PASSWORD, 'new-team-member@team.example');
  t.step(`4. A new user signed up: the team's own pre sign-up trigger ran (${adopted.preSignUpCalls() - signUpsBefore} call), as before the product`);

  await adopted.detach();
  const destroyed = await adopted.describe();
  t.step(`5. cdk destroy (the custom resource's Delete): triggers ${triggers(destroyed)}; ${unchanged(before, destroyed)}`);
  t.detail(`custom attributes ${customAttributes(destroyed)} (custom attributes cannot be removed from a pool)`);
}

/**
 * Step 3: `npm run admin -- backfill`'s own core (ops/backfill/run.ts), through the real SDK, for
 * the users who have not signed in since: the sign-in's executions, through the attach gate.
 */
async function backfillTeam(sb: Sandbox, t: Timeline): Promise<void> {
  const adopted = sb.adopted as NonNullable<Sandbox['adopted']>;
  const common = { region: sb.region, credentials: { accessKeyId: sb.env.AWS_ACCESS_KEY_ID, secretAccessKey: sb.env.AWS_SECRET_ACCESS_KEY } };
  const idp = new CognitoIdentityProviderClient({ ...common, endpoint: sb.endpoints.cognitoIdp });
  const sfn = new SFNClient({ ...common, endpoint: sb.endpoints.stepFunctions });
  try {
    const report = await runBackfill(
      { idp, sfn, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), now: () => performance.now(), wallClock: () => new Date(), progress: () => undefined, warn: (line) => t.detail(line) },
      { userPoolId: adopted.before.Id as string, stateMachineArn: sb.stateMachineArn, onboardingVersion: sb.outputs.OnboardingVersion, pageRate: 2, startRate: 10, pageSize: 60, dryRun: false },
    );
    const users = (await idp.send(new ListUsersCommand({ UserPoolId: adopted.before.Id as string }))).Users ?? [];
    const subs = users.filter((u) => adopted.teamUsers.includes(u.Username ?? '')).map((u) => u.Attributes?.find((a) => a.Name === 'sub')?.Value ?? '');
    const statuses = await Promise.all(subs.map((sub) => sb.services.sfn.waitForExecution(executionArnFor(sb.stateMachineArn, executionName(sub, sb.outputs.OnboardingVersion)))));
    const c = report.counts;
    t.step(`3. npm run admin -- backfill: ${c.seen} seen, ${c.started} started, ${c.alreadyOnboarded} already onboarded; ${statuses.filter((s) => s === 'SUCCEEDED').length} of ${subs.length} team users onboarded`);
  } finally {
    idp.destroy();
    sfn.destroy();
  }
}
