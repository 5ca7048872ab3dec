import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdminDisableUserCommand, AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ListAttachedPoliciesCommand } from '@aws-sdk/client-iot';
import { adminCliFixture, type CliRun } from '../../support/admin-cli-fixture';

const f = adminCliFixture('backfill-');
type Run = CliRun;
/** `npm run admin -- …` as its own process against the sandbox, run from the fixture's directory (checkpoints land there). */
const admin = (args: string[]) => f.admin(args, {}, f.dir);

interface Counts {
  seen: number;
  started: number;
  alreadyRunning: number;
  alreadySucceeded: number;
  alreadyOnboarded: number;
  wouldStart: number;
  skipped: Record<string, number>;
}
interface Report {
  outcome: string;
  pages: number;
  runPages: number;
  counts: Counts;
  wouldStart: Array<{ username: string }>;
}
const report = (run: Run): Report => JSON.parse(run.stdout) as Report;

async function attributesOf(username: string): Promise<Map<string, string>> {
  const user = await f.h.idp.send(new AdminGetUserCommand({ UserPoolId: f.h.sandbox.userPool.userPoolId, Username: username }));
  return new Map((user.UserAttributes ?? []).map((a) => [a.Name ?? '', a.Value ?? '']));
}

describe('npm run admin -- backfill against a running sandbox (an adopted pool whose users never signed in)', () => {
  const waiting: string[] = [];
  const checkpoint = 'slices.json';
  let signedIn = '';
  let disabled = '';
  beforeAll(async () => {
    for (let i = 0; i < 30; i++) waiting.push(await f.h.newUser('existing'));
    signedIn = (await f.h.onboardedUser('signed-in')).username;
    disabled = await f.h.newUser('disabled');
    await f.h.idp.send(new AdminDisableUserCommand({ UserPoolId: f.h.sandbox.userPool.userPoolId, Username: disabled }));
    await f.h.app.signUp('unconfirmed-1', f.h.password, 'unconfirmed-1@example.com');
  }, 60_000);

  it('--dry-run lists the 30 users it would start, starts nothing and writes no checkpoint (exit 3)', async () => {
    const run = await admin(['backfill', '--dry-run', '--json', '--rate', '10']);
    expect(run.code).toBe(3);
    const dry = report(run);
    expect(dry.wouldStart.map((u) => u.username).sort()).toEqual([...waiting].sort());
    expect(dry.counts).toMatchObject({ wouldStart: 30, alreadyOnboarded: 1, skipped: { disabled: 1, 'status:UNCONFIRMED': 1 } });
    expect(existsSync(join(f.dir, `.backfill-${f.h.sandbox.userPool.userPoolId}.json`))).toBe(false);
    for (const username of waiting.slice(0, 3)) expect((await attributesOf(username)).get('custom:iot_onboarded')).toBeUndefined();
  });

  it('stopped after one page (--max-pages 1), resumes and finishes: every user onboarded, policy attached', async () => {
    const common = ['backfill', '--json', '--rate', '10', '--start-rate', '12', '--page-size', '20', '--checkpoint', checkpoint];
    const first = await admin([...common, '--max-pages', '1']);
    expect(first.code).toBe(0);
    expect(report(first)).toMatchObject({ outcome: 'stopped', pages: 1, runPages: 1 });
    expect(JSON.parse(readFileSync(join(f.dir, checkpoint), 'utf8'))).toMatchObject({ state: 'in-progress', pages: 1, nextToken: expect.any(String) });

    const second = await admin(common);
    expect(second.code).toBe(0);
    expect(report(second)).toMatchObject({ outcome: 'complete', pages: 2, runPages: 1, counts: { seen: 33, started: 30, alreadyOnboarded: 1 } });
    for (const username of waiting) {
      const sub = (await attributesOf(username)).get('sub') ?? '';
      expect(await f.h.sandbox.services.sfn.waitForExecution(f.h.executionArn(sub))).toBe('SUCCEEDED');
      const attributes = await attributesOf(username);
      expect(attributes.get('custom:iot_onboarded')).toBe(f.h.sandbox.outputs.OnboardingVersion);
      const policies = await f.h.iot.send(new ListAttachedPoliciesCommand({ target: attributes.get('custom:identity_id') }));
      expect(policies.policies?.map((p) => p.policyName)).toEqual([f.h.sandbox.policyName]);
    }
    expect(JSON.parse(readFileSync(join(f.dir, checkpoint), 'utf8'))).toMatchObject({ state: 'complete' });
  }, 120_000);

  it('a second run starts nothing: the checkpoint is complete; with --restart every user is already onboarded', async () => {
    const idle = await admin(['backfill', '--checkpoint', checkpoint]);
    expect(idle.code).toBe(0);
    expect(idle.stdout).toMatch(/finished at .*\nNothing to do; pass --restart/);
    const again = await admin(['backfill', '--rate', '10', '--page-size', '20', '--checkpoint', checkpoint, '--restart']);
    expect(again.code).toBe(0);
    // Progress on stderr, one line a page; the summary on stdout.
    expect(again.stderr).toMatch(/^backfill: page 1, 20 seen, 0 started, 0 already running, \d+ already onboarded, \d+ skipped/m);
    expect(again.stderr).toMatch(/^backfill: page 2, 33 seen, 0 started, 0 already running, 31 already onboarded, 2 skipped \(disabled 1, status UNCONFIRMED 1\), [\d.]+ pages\/s, [\d.]+ users\/s, ETA 0s of ~33 users$/m);
    expect(again.stdout).toMatch(/^33 users seen, 0 started .*31 already onboarded, 2 skipped .*\nBackfill complete \(slices.json\)\.$/m);
    expect((await attributesOf(signedIn)).get('custom:iot_onboarded')).toBe(f.h.sandbox.outputs.OnboardingVersion);
    expect((await attributesOf(disabled)).get('custom:iot_onboarded')).toBeUndefined();
  });
});

describe('backfill under faults: a run that cannot start some users resumes, and nobody is onboarded twice', () => {
  it('fails the page whose starts StartExecution refused (exit 1, checkpoint before it), then a rerun finishes with one welcome per user', async () => {
    const fresh: string[] = [];
    for (let i = 0; i < 10; i++) fresh.push(await f.h.newUser('faulted'));
    const checkpoint = 'faults.json';
    const common = ['backfill', '--json', '--rate', '10', '--start-rate', '12', '--checkpoint', checkpoint, '--restart'];
    const welcomesBefore = f.h.sandbox.faults.stats('iot:UpdateThingShadow').calls;
    // More failures than the CLI's retries absorb: some starts fail for good in this run.
    f.h.sandbox.faults.set('states:StartExecution', { failNext: 40, failWith: 'internal' });
    const failed = await admin(common);
    f.h.sandbox.faults.set('states:StartExecution', undefined);
    expect(failed.code).toBe(1);
    const failedReport = JSON.parse(failed.stdout) as { outcome: string; errors: Array<{ username: string; reason: string }> };
    expect(failedReport.outcome).toBe('failed');
    expect(failedReport.errors.length).toBeGreaterThan(0);
    // The checkpoint never moved past the failed page (here the first: no file yet).
    const saved = existsSync(join(f.dir, checkpoint)) ? (JSON.parse(readFileSync(join(f.dir, checkpoint), 'utf8')) as { pages: number }).pages : 0;
    expect(saved).toBe(0);

    const rerun = await admin(['backfill', '--json', '--rate', '10', '--start-rate', '12', '--checkpoint', checkpoint]);
    expect(rerun.code).toBe(0);
    expect(report(rerun)).toMatchObject({ outcome: 'complete' });
    for (const username of fresh) {
      const sub = (await attributesOf(username)).get('sub') ?? '';
      expect(await f.h.sandbox.services.sfn.waitForExecution(f.h.executionArn(sub))).toBe('SUCCEEDED');
    }
    // One welcome per user: the first run's starts that did go through converged with the rerun's.
    expect(f.h.sandbox.faults.stats('iot:UpdateThingShadow').calls - welcomesBefore).toBe(fresh.length);
  }, 120_000);
});
