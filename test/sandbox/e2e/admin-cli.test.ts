import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CognitoIdentityClient, GetOpenIdTokenForDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { AdminDeleteUserCommand, AdminDisableUserCommand, AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { AttachPolicyCommand, DetachPolicyCommand, ListAttachedPoliciesCommand } from '@aws-sdk/client-iot';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { adminCliFixture, type CliRun } from '../../support/admin-cli-fixture';
import { type Harness } from './harness';
import { SANDBOX_STACK } from '../../../sandbox';

const f = adminCliFixture('admin-cli-');
type Run = CliRun;
const admin = (args: string[], env: Record<string, string | undefined> = {}) => f.admin(args, env);
const runNode = (nodeArgs: string[], env: Record<string, string | undefined> = {}) => f.runNode(nodeArgs, env);

/** The sandbox's outputs file without its Sandbox section: what `cdk deploy --outputs-file` writes. */
function cdkShapedCopy(name: string): string {
  const stacks = JSON.parse(readFileSync(f.outputsFile, 'utf8')) as Record<string, Record<string, unknown>>;
  for (const outputs of Object.values(stacks)) delete outputs.Sandbox;
  const file = join(f.dir, name);
  writeFileSync(file, JSON.stringify(stacks));
  return file;
}

const json = <T>(run: Run): T => {
  if (run.code !== 0 && run.code !== 3) throw new Error(`admin exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
};

describe('npm run admin against a running sandbox', () => {
  const failedUsers: string[] = [];
  let enabledUser = '';
  beforeAll(async () => {
    enabledUser = await f.h.newUser('enabled');
  });

  it('lists onboardings that failed at AttachPolicy, with user, state, error and cause', async () => {
    for (let i = 0; i < 3; i++) failedUsers.push(await f.h.newUser('outage'));
    let advancedMs = 0;
    try {
      // The attach gate cannot attach (IoT failing): each message is dead-lettered after 5 deliveries.
      for (const username of failedUsers) {
        const dead = await f.h.signInUntilDeadLettered(username);
        expect(dead.status).toBe('FAILED');
        advancedMs += dead.advancedMs;
      }
    } finally {
      f.h.sandbox.faults.set('iot:AttachPolicy', undefined);
    }
    f.h.sandbox.clock.advance(-advancedMs);

    const run = await admin(['failed', '--json']);
    const failed = json<Array<{ username: string; failedState: string; error: string; cause: string; status: string }>>(run);
    expect(failed.map((f) => f.username).sort()).toEqual([...failedUsers].sort());
    for (const f of failed) {
      expect(f).toMatchObject({ status: 'FAILED', failedState: 'AttachPolicy', error: 'GateDeadLettered' });
      expect(f.cause).toMatch(/The attach gate could not serve us-east-1:[0-9a-f-]+ in 5 deliveries/);
    }
    const table = await admin(['failed']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/USER\s+STATUS\s+FAILED STATE/);
    expect(table.stdout).toContain('3 execution(s)');
  });

  it('redrives every failed execution to SUCCEEDED with no duplicate welcome', async () => {
    const updatesBefore = f.h.sandbox.faults.stats('iot:UpdateThingShadow').calls;
    const run = await admin(['redrive', '--all-failed', '--rate', '20', '--json']);
    const summary = json<{ redriven: number; errors: number; skipped: number }>(run);
    expect(summary).toMatchObject({ redriven: 3, errors: 0, skipped: 0 });
    for (const username of failedUsers) {
      const sub = (await f.h.app.signIn(username, f.h.password).then((t) => f.h.subOf(t)));
      expect(await f.h.sandbox.services.sfn.waitForExecution(f.h.executionArn(sub))).toBe('SUCCEEDED');
    }
    expect(f.h.sandbox.faults.stats('iot:UpdateThingShadow').calls - updatesBefore).toBe(3);
    expect(json<unknown[]>(await admin(['failed', '--json']))).toEqual([]);
  });

  describe('a leaving user whose offboarding failed at DetachPolicy', () => {
    let leaver: Awaited<ReturnType<Harness['onboardedUser']>>;
    let offboardingArn = '';
    beforeAll(async () => {
      leaver = await f.h.onboardedUser('leaving');
      // DetachPolicy fails on every delivery of the detach gate's message, until it is dead-lettered.
      f.h.sandbox.faults.set('iot:DetachPolicy', { failNext: 10_000, failWith: 'internal' });
      const before = f.h.sandbox.faults.stats('iot:DetachPolicy').calls;
      await f.h.idp.send(new AdminDeleteUserCommand({ UserPoolId: f.h.sandbox.userPool.userPoolId, Username: leaver.username }));
      await f.h.sandbox.eventBus.drain();
      const listed = await f.h.sfn.send(new ListExecutionsCommand({ stateMachineArn: f.h.sandbox.offboardingStateMachineArn }));
      offboardingArn = (listed.executions ?? []).find((e) => e.name?.startsWith(`offboard-${leaver.sub}-deleted-`))?.executionArn ?? '';
      const advancedMs = await f.h.deliverUntilDeadLettered('detach', 'iot:DetachPolicy', before);
      expect(await f.h.sandbox.services.sfn.waitForExecution(offboardingArn)).toBe('FAILED');
      f.h.sandbox.faults.set('iot:DetachPolicy', undefined);
      f.h.sandbox.clock.advance(-advancedMs);
    });
    // Should these tests fail, the leaver must not stay an identity holding the policy for the reconcile test below.
    afterAll(async () => {
      f.h.sandbox.faults.set('iot:DetachPolicy', undefined);
      if (leaver) await f.h.iot.send(new DetachPolicyCommand({ policyName: f.h.sandbox.policyName, target: leaver.access.identityId }));
    });

    it('failed --workflow offboarding lists it with sub, identity, reason, state and error; failed (onboarding) does not', async () => {
      const failed = json<Array<Record<string, unknown>>>(await admin(['failed', '--workflow', 'offboarding', '--json']));
      expect(failed).toEqual([
        expect.objectContaining({
          executionArn: offboardingArn,
          sub: leaver.sub,
          identityId: leaver.access.identityId,
          reason: 'deleted',
          status: 'FAILED',
          failedState: 'DetachPolicy',
          error: 'GateDeadLettered',
          cause: expect.stringMatching(/The detach gate could not serve us-east-1:[0-9a-f-]+ in 5 deliveries/),
          redriveCount: 0,
        }),
      ]);
      const table = await admin(['failed', '--workflow', 'offboarding']);
      expect(table.stdout).toMatch(new RegExp(`^SUB\\s+IDENTITY\\s+REASON\\s+STATUS\\s+FAILED STATE\\s+ERROR\\s+CAUSE\\s+STOPPED\\s+REDRIVES\\n${leaver.sub}\\s+${leaver.access.identityId}\\s+deleted\\s+FAILED\\s+DetachPolicy\\s+GateDeadLettered`));
      expect(table.stdout).toContain('1 execution(s). Redrive them with: npm run admin -- redrive --all-failed --workflow offboarding');
      expect(json<unknown[]>(await admin(['failed', '--json']))).toEqual([]);
    });

    it('redrive --all-failed --workflow offboarding brings it to SUCCEEDED and the identity holds the policy no more', async () => {
      expect((await f.h.iot.send(new ListAttachedPoliciesCommand({ target: leaver.access.identityId }))).policies).toHaveLength(1);
      const summary = json<{ redriven: number; errors: number; skipped: number }>(await admin(['redrive', '--all-failed', '--workflow', 'offboarding', '--json']));
      expect(summary).toMatchObject({ redriven: 1, errors: 0, skipped: 0 });
      expect(await f.h.sandbox.services.sfn.waitForExecution(offboardingArn)).toBe('SUCCEEDED');
      expect((await f.h.iot.send(new ListAttachedPoliciesCommand({ target: leaver.access.identityId }))).policies).toEqual([]);
      expect(json<unknown[]>(await admin(['failed', '--workflow', 'offboarding', '--json']))).toEqual([]);
    });
  });

  it('shows the status of an onboarded user', async () => {
    const user = await f.h.onboardedUser('status');
    const status = json<Record<string, unknown>>(await admin(['status', '--username', user.username, '--json']));
    expect(status).toMatchObject({
      identityId: user.access.identityId,
      onboardedVersion: '1',
      attachedPolicies: [f.h.sandbox.policyName],
      onboarded: true,
      lastExecution: { status: 'SUCCEEDED' },
    });
  });

  it('runs from its TypeScript source exactly as `npm run admin` does (tsx)', async () => {
    const username = await f.h.newUser('source');
    const run = await runNode(['--import', 'tsx', 'ops/admin.ts', 'status', '--username', username, '--json']);
    expect(json<Record<string, unknown>>(run)).toMatchObject({ identityId: null, onboarded: false });
  });

  it('shows a user who never signed in as not onboarded, with no identity', async () => {
    const username = await f.h.newUser('never');
    const status = json<Record<string, unknown>>(await admin(['status', '--username', username, '--json']));
    expect(status).toMatchObject({ identityId: null, onboarded: false, attachedPolicies: [], lastExecution: null });
  });

  describe('status of a user who left', () => {
    /** Disables or deletes an onboarded user, as an administrator would, and awaits the offboarding the lifecycle rule starts. */
    async function offboarded(prefix: string, leave: 'disabled' | 'deleted') {
      const user = await f.h.onboardedUser(prefix);
      const request = { UserPoolId: f.h.sandbox.userPool.userPoolId, Username: user.username };
      await f.h.idp.send(leave === 'disabled' ? new AdminDisableUserCommand(request) : new AdminDeleteUserCommand(request));
      await f.h.sandbox.eventBus.drain();
      const listed = await f.h.sfn.send(new ListExecutionsCommand({ stateMachineArn: f.h.sandbox.offboardingStateMachineArn }));
      const execution = (listed.executions ?? []).find((e) => e.name?.startsWith(`offboard-${user.sub}-${leave}-`));
      expect(await f.h.sandbox.services.sfn.waitForExecution(execution?.executionArn ?? '')).toBe('SUCCEEDED');
      return { user, executionName: execution?.name ?? '' };
    }

    it('says a disabled user was offboarded, when and by which execution, and shows no version for the marker offboarding left', async () => {
      const before = new Date(f.h.sandbox.clock.now() - 1_000).toISOString();
      const { user, executionName } = await offboarded('disabled', 'disabled');
      const status = json<Record<string, unknown>>(await admin(['status', '--username', user.username, '--json']));
      expect(status).toMatchObject({
        inUserPool: true,
        enabled: false,
        identityId: null,
        onboardedVersion: null,
        onboarded: false,
        attachedPolicies: [],
        execution: { executionName, status: 'SUCCEEDED', reason: 'disabled' },
      });
      expect(String(status.offboardedAt) >= before).toBe(true);
      const shown = await admin(['status', '--username', user.username]);
      expect(shown.stdout).toMatch(new RegExp(`^offboarded +yes, at ${String(status.offboardedAt).replaceAll('.', '\\.')} \\(disabled\\) by execution ${executionName} SUCCEEDED$`, 'm'));
      expect(shown.stdout).toMatch(/^identity id +\(none: removed by offboarding\)$/m);
      expect(shown.stdout).toMatch(/^onboarded version +\(none: offboarded\) \(current 1\)$/m);
      expect(shown.stdout).not.toMatch(/off-\d/);
    });

    it('finds a deleted user through the offboarding that names them: not in the pool, offboarded when its execution ended, by which execution', async () => {
      const { user, executionName } = await offboarded('deleted', 'deleted');
      const run = await admin(['status', '--username', user.username, '--json']);
      expect(run.code).toBe(0);
      const status = json<{ offboardedAt: string; execution: { stoppedAt: string } } & Record<string, unknown>>(run);
      expect(status).toMatchObject({ sub: user.sub, inUserPool: false, onboarded: false, execution: { executionName, status: 'SUCCEEDED', reason: 'deleted' } });
      expect(status.offboardedAt).toBe(status.execution.stoppedAt);
      const shown = await admin(['status', '--username', user.username]);
      expect(shown.stdout).toMatch(/^in user pool +no \(deleted\)$/m);
      expect(shown.stdout).toMatch(new RegExp(`^offboarded +yes, at .* \\(deleted\\) by execution ${executionName} SUCCEEDED$`, 'm'));
    });
  });

  it('diagnoses an onboarded user\'s connect as allowed', async () => {
    const user = await f.h.onboardedUser('diag');
    const run = await admin(['diagnose', '--username', user.username, '--action', 'connect', '--json']);
    expect(run.code).toBe(0);
    expect(json<Record<string, unknown>>(run)).toMatchObject({ allowed: true, cause: 'allowed' });
  });

  it('diagnoses a user never onboarded as having no identity', async () => {
    const username = await f.h.newUser('diag-none');
    const run = await admin(['diagnose', '--username', username, '--action', 'connect', '--json']);
    expect(run.code).toBe(3);
    expect(json<Record<string, unknown>>(run)).toMatchObject({ allowed: false, cause: 'no-identity' });
  });

  it('diagnoses a wrong client id', async () => {
    const user = await f.h.onboardedUser('diag-client');
    const run = await admin(['diagnose', '--username', user.username, '--action', 'connect', '--client-id', 'my-phone', '--json']);
    expect(run.code).toBe(3);
    expect(json<Record<string, unknown>>(run)).toMatchObject({ cause: 'client-id-mismatch' });
  });

  it("diagnoses a web tab's client id (<identity id>-<suffix>) as allowed, and another identity's suffixed id as a mismatch", async () => {
    const user = await f.h.onboardedUser('diag-tab');
    const tab = await admin(['diagnose', '--username', user.username, '--action', 'connect', '--client-id', `${user.access.identityId}-3f9a1c`, '--json']);
    expect(tab.code).toBe(0);
    expect(json<Record<string, unknown>>(tab)).toMatchObject({ cause: 'allowed' });
    const other = await f.h.onboardedUser('diag-tab-other');
    const theirs = await admin(['diagnose', '--username', user.username, '--action', 'connect', '--client-id', `${other.access.identityId}-3f9a1c`, '--json']);
    expect(json<Record<string, unknown>>(theirs)).toMatchObject({ cause: 'client-id-mismatch' });
  });

  it('diagnoses a publish to a topic outside the IoT policy', async () => {
    const user = await f.h.onboardedUser('diag-topic');
    const run = await admin(['diagnose', '--username', user.username, '--action', 'publish', '--topic', '$aws/things/thermostat_1/shadow/update']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^DENIED: The attached IoT policy .* does not allow iot:Publish on \$aws\/things\/thermostat_1\/shadow\/update/);
  });

  it('diagnoses a publish to the user\'s own shadow as allowed', async () => {
    const user = await f.h.onboardedUser('diag-own');
    const run = await admin(['diagnose', '--username', user.username, '--action', 'publish', '--topic', `$aws/things/${user.access.identityId}/shadow/update`, '--json']);
    expect(json<Record<string, unknown>>(run)).toMatchObject({ allowed: true });
  });

  it.each([
    ['an unknown command', ['frobnicate'], 2, /Unknown command "frobnicate"/],
    ['a mistyped command', ['stauts', '--username', 'x'], 2, /^error: Unknown command "stauts" \(did you mean status\?\)\. Commands: /],
    ['a mistyped flag', ['status', '--usrname', 'x'], 2, /^error: status: unknown option --usrname \(did you mean --username\?\); run with --help for usage \(npm run admin -- status --help\)$/m],
    ['a missing --username', ['status'], 2, /--username is required/],
    ['a malformed execution ARN', ['redrive', 'arn:nope'], 2, /is not an execution ARN/],
    ['an unknown user', ['status', '--username', 'nobody-here'], 1, /No user "nobody-here"/],
    ['a bad duration', ['failed', '--since', 'yesterday'], 2, /is not a duration/],
    ['an unknown workflow', ['redrive', '--all-failed', '--workflow', 'leaving'], 2, /redrive: --workflow must be onboarding or offboarding/],
    ['a bad reconcile rate', ['reconcile', '--rate', '11'], 2, /--rate must be more than 0 and at most 10 identities per second/],
    ['offboarding an enabled user', ['offboard', '--username', 'placeholder'], 1, /is enabled: disable it first/],
  ])('prints one line and exits non-zero for %s', async (_label, args, code, message) => {
    const run = await admin(args.map((a) => (a === 'placeholder' ? enabledUser : a)));
    expect(run.code).toBe(code);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports an execution that does not exist without a stack trace', async () => {
    const arn = f.h.executionArn('00000000-0000-4000-8000-000000000000');
    const run = await admin(['redrive', arn]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/errors 1/);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at /);
  });

  it('works from the sandbox outputs file alone, without the printed exports: its Sandbox section gives endpoints and credentials', async () => {
    const user = await f.h.onboardedUser('file-only');
    const failed = await f.adminWithFileOnly(['failed', '--json']);
    expect(failed.stderr).toBe('');
    expect(json<unknown[]>(failed)).toEqual([]);
    const status = json<Record<string, unknown>>(await f.adminWithFileOnly(['status', '--username', user.username, '--json']));
    expect(status).toMatchObject({ identityId: user.access.identityId, onboarded: true });
  });

  it('takes neither endpoints nor credentials from a cdk deploy outputs file, which has no Sandbox section: no credentials is one clear line', async () => {
    const run = await f.adminWithFileOnly(['failed'], cdkShapedCopy('cdk-outputs.json'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: No AWS credentials found/);
  });

  it('refuses a Sandbox section whose endpoints are not on loopback, before any call', async () => {
    const file = join(f.dir, 'forged-outputs.json');
    const stacks = JSON.parse(readFileSync(f.outputsFile, 'utf8')) as Record<string, { Sandbox: { endpoints: Record<string, string> } }>;
    const stack = Object.values(stacks)[0] as { Sandbox: { endpoints: Record<string, string> } };
    stack.Sandbox.endpoints.SFN = 'https://states.us-east-1.amazonaws.com';
    writeFileSync(file, JSON.stringify(stacks));
    const run = await f.adminWithFileOnly(['failed'], file);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: Outputs file .*forged-outputs\.json has a Sandbox section that is not a sandbox's: Sandbox\.endpoints\.SFN: must be on loopback/);
  });

  it('says which target is missing when it cannot find the deployment', async () => {
    const run = await admin(['failed'], { IOT_ONBOARDING_OUTPUTS_FILE: join(f.dir, 'missing.json') });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Cannot read outputs file/);
  });

  it('reconcile --dry-run lists a planted orphan (identity holding the policy, no user), and reconcile offboards it', async () => {
    const identity = new CognitoIdentityClient({ region: f.h.sandbox.region, endpoint: f.h.sandbox.endpoints.cognitoIdentity, credentials: { accessKeyId: f.h.sandbox.env.AWS_ACCESS_KEY_ID, secretAccessKey: f.h.sandbox.env.AWS_SECRET_ACCESS_KEY } });
    const ghostSub = randomUUID();
    const planted = await identity.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: f.h.sandbox.identityPoolId, Logins: { [f.h.sandbox.developerProviderName]: ghostSub } }),
    );
    identity.destroy();
    const orphan = planted.IdentityId as string;
    await f.h.iot.send(new AttachPolicyCommand({ policyName: f.h.sandbox.policyName, target: orphan }));

    const table = await admin(['reconcile', '--dry-run', '--rate', '10']);
    expect(table.code).toBe(3);
    expect(table.stdout).toMatch(new RegExp(`${orphan}\\s+${ghostSub}\\s+absent\\s+would-offboard`));
    expect(table.stderr).toMatch(/^reconcile: \d+ identities checked$/m);

    const dry = await admin(['reconcile', '--dry-run', '--json', '--rate', '10']);
    expect(dry.code).toBe(3);
    const found = json<{ findings: Array<{ identityId: string; sub: string; userState: string; action: string }> }>(dry).findings;
    expect(found).toEqual([{ identityId: orphan, sub: ghostSub, userState: 'absent', action: 'would-offboard' }]);
    expect((await f.h.iot.send(new ListAttachedPoliciesCommand({ target: orphan }))).policies).toHaveLength(1);

    const run = await admin(['reconcile', '--json', '--rate', '10']);
    expect(run.code).toBe(0);
    expect(json<{ findings: Array<{ action: string }> }>(run).findings.map((f) => f.action)).toEqual(['started']);
    const listed = await f.h.sfn.send(new ListExecutionsCommand({ stateMachineArn: f.h.sandbox.offboardingStateMachineArn }));
    const execution = (listed.executions ?? []).find((e) => e.name?.startsWith(`offboard-${ghostSub}-orphan-`));
    expect(await f.h.sandbox.services.sfn.waitForExecution(execution?.executionArn as string)).toBe('SUCCEEDED');
    expect((await f.h.iot.send(new ListAttachedPoliciesCommand({ target: orphan }))).policies).toEqual([]);

    const again = await admin(['reconcile', '--rate', '10']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to offboard.');
  });
});

describe('npm run admin -- queue', () => {
  interface Backlog {
    gate: string;
    waiting: number;
    inFlight: number;
    deadLettered: number;
    oldestAgeSeconds: number | null;
    drainingPerSecond: number | null;
    ratePerSecond: number;
  }

  it("shows every gate's backlog from the sandbox's SQS (nothing waiting once every onboarding has passed), with the rate it was deployed with and CloudWatch's columns", async () => {
    const backlogs = json<Backlog[]>(await admin(['queue', '--json']));
    expect(backlogs.map((b) => b.gate)).toEqual(['attach', 'detach', 'user-lookup', 'device-release']);
    expect(backlogs[0]).toMatchObject({ gate: 'attach', waiting: 0, inFlight: 0, deadLettered: 0, ratePerSecond: 12, oldestAgeSeconds: null });
    expect(backlogs[2]).toMatchObject({ gate: 'user-lookup', ratePerSecond: 20 });
    for (const b of backlogs) expect(b.drainingPerSecond === null || b.drainingPerSecond >= 0, `${b.gate}: ${b.drainingPerSecond}`).toBe(true);
    const shown = await admin(['queue']);
    expect(shown.stdout).toMatch(/GATE\s+WAITING\s+IN FLIGHT\s+DEAD-LETTERED\s+AGE OF OLDEST\s+DRAINING AT\s+RATE\s+DRAINS IN/);
    expect(shown.stderr).toBe('');
  });

  it("shows the age of a message the attach gate holds, growing with the sandbox clock, then the rate it drained at in the latest complete minute", async () => {
    const username = await f.h.newUser('queued');
    let advancedMs = 0;
    const advance = (ms: number) => {
      f.h.sandbox.clock.advance(ms);
      advancedMs += ms;
    };
    try {
      f.h.sandbox.faults.set('iot:AttachPolicy', { failNext: 10_000, failWith: 'internal' });
      const before = f.h.sandbox.faults.stats('iot:AttachPolicy').calls;
      const tokens = await f.h.app.signIn(username, f.h.password);
      await firstDeliveryOver('attach', 'iot:AttachPolicy', before);
      // In flight for its visibility timeout (360 s): 100 s of it pass.
      advance(100_000);
      const [held] = json<Backlog[]>(await admin(['queue', '--json']));
      expect((held?.waiting ?? 0) + (held?.inFlight ?? 0)).toBeGreaterThanOrEqual(1);
      expect(held?.oldestAgeSeconds).toBeGreaterThanOrEqual(100);
      expect(held?.oldestAgeSeconds).toBeLessThan(160);

      // Delivered again 5 s into a minute, once the visibility timeout is over, and deleted within that minute.
      f.h.sandbox.faults.set('iot:AttachPolicy', undefined);
      const now = f.h.sandbox.clock.now();
      advance(Math.ceil((now + 261_000) / 60_000) * 60_000 + 5_000 - now);
      expect(await f.h.sandbox.services.sfn.waitForExecution(f.h.executionArn(f.h.subOf(tokens)))).toBe('SUCCEEDED');
      advance(60_000);
      const [drained] = json<Backlog[]>(await admin(['queue', '--json']));
      expect(drained).toMatchObject({ gate: 'attach', waiting: 0, inFlight: 0, oldestAgeSeconds: null });
      expect(drained?.drainingPerSecond).toBeGreaterThanOrEqual(1 / 60);
    } finally {
      f.h.sandbox.faults.set('iot:AttachPolicy', undefined);
      f.h.sandbox.clock.advance(-advancedMs);
    }
  });

  it('still shows the SQS figures when CloudWatch cannot be reached, and says why on one stderr line', async () => {
    const run = await admin(['queue', '--json'], { AWS_ENDPOINT_URL_CLOUDWATCH: 'http://127.0.0.1:1' });
    expect(run.code).toBe(0);
    const backlogs = json<Backlog[]>(run);
    expect(backlogs.map((b) => [b.gate, b.waiting, b.oldestAgeSeconds, b.drainingPerSecond])).toEqual([
      ['attach', 0, null, null],
      ['detach', 0, null, null],
      ['user-lookup', 0, null, null],
      ['device-release', 0, null, null],
    ]);
    expect(run.stderr).toMatch(/^warning: CloudWatch metrics unavailable, AGE OF OLDEST and DRAINING AT not shown: Cannot reach the endpoint \(.*ECONNREFUSED.*\)\. Is the sandbox running\?\n$/);
  });

  /** Waits until the gate's worker has taken its message and failed `operation` (with its retries), and polls the queue again. */
  async function firstDeliveryOver(gate: string, operation: string, callsBefore: number): Promise<void> {
    let polled = false;
    const stop = f.h.sandbox.services.sqs.onPollWaiting((queue) => {
      if (queue === `${SANDBOX_STACK}-${gate}` && f.h.sandbox.faults.stats(operation).calls >= callsBefore + 3) polled = true;
    });
    try {
      await vi.waitFor(() => {
        if (!polled) throw new Error('the first delivery is not over yet');
      }, { timeout: 20_000, interval: 20 });
    } finally {
      stop();
    }
  }
});

describe('npm run admin -- devices', () => {
  it('registers a device: files written, claim code printed once, and the device connects with them', async () => {
    const thingName = `device_cli${Date.now()}`;
    const registered = json<{ thingName: string; claimCode: string; certificateArn: string; certificateFile: string; privateKeyFile: string }>(
      await admin(['devices', 'register', '--thing', thingName, '--out', f.dir, '--json']),
    );
    expect(registered).toMatchObject({ thingName, certificateFile: join(f.dir, `${thingName}.cert.pem`), privateKeyFile: join(f.dir, `${thingName}.private.key`) });
    expect(registered.claimCode).toMatch(/^([A-Z2-7]{4}-){7}[A-Z2-7]{4}$/);
    const device = f.h.track(
      await f.h.sandbox.connectDevice({ thingName, certificatePem: readFileSync(registered.certificateFile, 'utf8'), privateKey: readFileSync(registered.privateKeyFile, 'utf8') }),
    );
    expect(device.connected).toBe(true);
    const shown = json<{ owner: string | null; certificates: Array<{ status: string }> }>(await admin(['devices', 'show', '--thing', thingName, '--json']));
    expect(shown).toMatchObject({ owner: null, certificates: [{ status: 'ACTIVE' }] });
    expect(JSON.stringify(shown)).not.toContain(registered.claimCode);
  });

  it("lists a user's devices by owner and releases one back to unclaimed", async () => {
    const user = await f.h.onboardedUser('owner');
    const registered = await f.h.sandbox.registerDevice(`device_own${Date.now()}`);
    await f.h.app.claimDevice(user.tokens.idToken, registered.thingName, registered.claimCode);
    const listed = json<{ devices: Array<{ thingName: string; owner: string }> }>(await admin(['devices', 'list', '--owner', user.username, '--json']));
    expect(listed.devices).toEqual([{ thingName: registered.thingName, owner: user.access.identityId }]);
    const released = json<{ previousOwner: string }>(await admin(['devices', 'release', '--thing', registered.thingName, '--json']));
    expect(released.previousOwner).toBe(user.access.identityId);
    expect((await f.h.app.listDevices(user.tokens.idToken)).devices).toEqual([]);
  });

  it('revokes a device: certificate REVOKED and detached, the live session dropped', async () => {
    const registered = await f.h.sandbox.registerDevice(`device_rev${Date.now()}`);
    const device = f.h.track(await f.h.sandbox.connectDevice(registered));
    const gone = new Promise<void>((resolve) => device.once('close', () => resolve()));
    json(await admin(['devices', 'revoke', '--thing', registered.thingName, '--json']));
    await gone;
    const shown = json<{ certificates: unknown[] }>(await admin(['devices', 'show', '--thing', registered.thingName, '--json']));
    expect(shown.certificates).toEqual([]);
    await expect(f.h.sandbox.connectDevice(registered)).rejects.toBeInstanceOf(Error);
  });

  it('fails with one line and exit 1 for an unknown thing, exit 2 for a missing --thing', async () => {
    const unknown = await admin(['devices', 'show', '--thing', 'device_nosuch']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect((await admin(['devices', 'release'])).code).toBe(2);
  });

  it('refuses to register a name its twin could not hold (65 characters) or shaped like an identity id, exit 2 and nothing created', async () => {
    const long = `device_${'x'.repeat(58)}`;
    const tooLong = await admin(['devices', 'register', '--thing', long, '--out', f.dir]);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/at most 64 characters, the limit of the shadow name its twin uses/);
    const shaped = await admin(['devices', 'register', '--thing', 'us-east-1:0f3c2a9e-1b2c-4d5e-8f90-123456789abc', '--out', f.dir]);
    expect(shaped.code).toBe(2);
    expect(shaped.stderr).toMatch(/shape of an identity id/);
    expect((await admin(['devices', 'show', '--thing', long])).stderr).toMatch(/No thing "device_x+"/);
  });
});

describe('npm run admin -- diagnose --thing', () => {
  it("allows a registered device's connect and explains an unclaimed device's twin as unclaimed (exit 3)", async () => {
    const registered = await f.h.sandbox.registerDevice(`device_dx${Date.now()}`);
    const connect = await admin(['diagnose', '--thing', registered.thingName, '--action', 'connect', '--json']);
    expect(connect.code).toBe(0);
    expect(json<{ cause: string }>(connect).cause).toBe('allowed');
    const twin = `$aws/things/us-east-1:11111111-1111-4111-8111-111111111111/shadow/name/${registered.thingName}/update`;
    const denied = await admin(['diagnose', '--thing', registered.thingName, '--action', 'publish', '--topic', twin, '--json']);
    expect(denied.code).toBe(3);
    expect(json<{ cause: string }>(denied).cause).toBe('unclaimed');
    const other = await admin(['diagnose', '--thing', registered.thingName, '--action', 'publish', '--topic', '$aws/things/device_other/shadow/update', '--json']);
    expect(json<{ cause: string }>(other).cause).toBe('topic-outside-device-policy');
  });
});

describe('npm run admin -- users', () => {
  it('creates a confirmed user with a password, who signs in at once; refuses the same name again and a weak password, one line each', async () => {
    const username = `cli-user-${Date.now()}`;
    const created = await f.adminWithFileOnly(['users', 'create', '--username', username, '--email', `${username}@example.com`, '--password', f.h.password]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const user = await f.h.idp.send(new AdminGetUserCommand({ UserPoolId: f.h.sandbox.userPool.userPoolId, Username: username }));
    expect(user.UserStatus).toBe('CONFIRMED');
    expect(user.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email_verified', Value: 'true' }]));
    await expect(f.h.app.signIn(username, f.h.password)).resolves.toMatchObject({ idToken: expect.any(String) });

    const again = await f.adminWithFileOnly(['users', 'create', '--username', username, '--email', `${username}@example.com`, '--password', f.h.password]);
    expect(again).toMatchObject({ code: 1, stderr: `error: A user "${username}" already exists in ${f.h.sandbox.userPool.userPoolId}\n` });
    const weak = await f.adminWithFileOnly(['users', 'create', '--username', `${username}-2`, '--email', 'w@example.com', '--password', 'short']);
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/^error: The password breaks the pool's policy: .+\n$/);
  });

  it('signs a user in with SRP through the public web client and prints the ID token alone for $(...), which the API takes', async () => {
    const user = await f.h.onboardedUser('cli-sign-in');
    const run = await f.adminWithFileOnly(['users', 'sign-in', '--username', user.username, '--password', f.h.password, '--print', 'id-token']);
    expect(run.code).toBe(0);
    const idToken = run.stdout.trim();
    expect(idToken.split('.')).toHaveLength(3);
    await expect(f.h.app.listDevices(idToken)).resolves.toEqual({ devices: [] });
    const wrong = await f.adminWithFileOnly(['users', 'sign-in', '--username', user.username, '--password', 'Wrong-Passw0rd!']);
    expect(wrong).toMatchObject({ code: 1, stdout: '', stderr: `error: Incorrect username or password for "${user.username}"\n` });
    const bad = await f.adminWithFileOnly(['users', 'sign-in', '--username', user.username, '--password', f.h.password, '--print', 'secret']);
    expect(bad.code).toBe(2);
  });
});
