import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CognitoQuotas } from '../functions/shared/aws/quotas';
import { AttachGate } from '../functions/shared/gates/gates';
import { runBackfill } from '../ops/backfill/run';
import { progress, startBenchSandbox } from './fixture';
import type { RowSink } from './rows';

export interface BackfillOptions {
  /** Users in the pool who never signed in. */
  readonly users: number;
  /** AttachPolicy quota (calls/s) the sandbox enforces. */
  readonly tps: number;
}

export interface BackfillFigures {
  readonly users: number;
  readonly tps: number;
  readonly startRate: number;
  /** The backfill's own run: paging and starting. */
  readonly backfillMs: number;
  /** First page asked to the last onboarding closed. */
  readonly durationMs: number;
  /** N / the slower of the start rate and the attach gate's rate. */
  readonly floorMs: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly duplicateWelcomes: number;
  readonly attachPolicy: { readonly calls: number; readonly throttled: number; readonly callsPerUser: number };
  readonly listUsers: { readonly calls: number; readonly throttled: number };
  readonly started: number;
}

const TERMINAL = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']);

/**
 * An adopted pool's backfill (design section 11): N users who never signed in, `admin backfill`'s
 * own core (ops/backfill/run.ts) through the real SDK, while the sandbox holds AttachPolicy to Q
 * TPS and ListUsers to its 30 RPS: how long until every onboarding closed, calls per user, and
 * whether any ListUsers went over the quota (throttled).
 */
export async function benchBackfill(options: BackfillOptions): Promise<BackfillFigures> {
  const gateRate = Math.min(AttachGate.ratePerSecond, (options.tps * AttachGate.ratePerSecond) / AttachGate.quotaPerSecond);
  const fixture = await startBenchSandbox({ gateRates: { attach: gateRate } });
  const { sandbox } = fixture;
  const common = { region: sandbox.region, credentials: { accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID, secretAccessKey: sandbox.env.AWS_SECRET_ACCESS_KEY } };
  const idp = new CognitoIdentityProviderClient({ ...common, endpoint: sandbox.endpoints.cognitoIdp });
  const sfn = new SFNClient({ ...common, endpoint: sandbox.endpoints.stepFunctions });
  const startRate = Math.min(AttachGate.ratePerSecond, gateRate);
  try {
    progress(`backfill: creating ${options.users} users who never signed in (not timed)`);
    await fixture.createUsers(options.users, 20, 'backfill');
    sandbox.faults.set('iot:AttachPolicy', { throttleTps: options.tps });
    sandbox.faults.set('cognito-idp:ListUsers', { throttleTps: CognitoQuotas.userListRps });
    sandbox.faults.resetStats();
    let succeeded = 0;
    let failed = 0;
    let lastClosedAt = performance.now();
    const unsubscribe = sandbox.services.sfn.onExecutionEvent((notice) => {
      const type = notice.event.type;
      if (notice.stateMachineArn !== sandbox.stateMachineArn || !type || !TERMINAL.has(type)) return;
      if (type === 'ExecutionSucceeded') succeeded++;
      else failed++;
      lastClosedAt = performance.now();
    });
    progress(`backfill: ${options.users} users, pages at 2/s, starts at ${startRate}/s, AttachPolicy at ${options.tps} TPS, ListUsers at ${CognitoQuotas.userListRps} RPS`);
    const started = performance.now();
    const report = await runBackfill(
      { idp, sfn, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), now: () => performance.now(), wallClock: () => new Date(), progress: () => undefined, warn: (line) => progress(line) },
      { userPoolId: sandbox.userPool.userPoolId, stateMachineArn: sandbox.stateMachineArn, onboardingVersion: sandbox.outputs.OnboardingVersion, pageRate: 2, startRate, pageSize: 60, dryRun: false },
    );
    const backfillMs = performance.now() - started;
    await waitUntil(() => succeeded + failed >= report.counts.started, Math.max(60_000, (3 * options.users * 1000) / startRate));
    unsubscribe();
    const attach = sandbox.faults.stats('iot:AttachPolicy');
    const welcomes = sandbox.faults.stats('iot:UpdateThingShadow').calls;
    progress(`backfill: ${succeeded}/${options.users} onboarded in ${((lastClosedAt - started) / 1000).toFixed(1)} s`);
    return {
      users: options.users,
      tps: options.tps,
      startRate,
      backfillMs,
      durationMs: lastClosedAt - started,
      floorMs: (options.users / startRate) * 1000,
      succeeded,
      failed,
      duplicateWelcomes: Math.max(0, welcomes - succeeded),
      attachPolicy: { calls: attach.calls, throttled: attach.throttled, callsPerUser: attach.calls / options.users },
      listUsers: sandbox.faults.stats('cognito-idp:ListUsers'),
      started: report.counts.started,
    };
  } finally {
    idp.destroy();
    sfn.destroy();
    await fixture.close();
  }
}

/** Resolves once `done()` holds, checking on every turn of the event loop, or after `limitMs`. */
async function waitUntil(done: () => boolean, limitMs: number): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!done() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** The backfill's rows, against issue 20's targets. */
export function backfillRows(b: BackfillFigures, add: RowSink, ms: (v: number) => string): void {
  const section = `Backfill of an adopted pool (${b.users} users, AttachPolicy at ${b.tps} TPS, ListUsers at 30 RPS)`;
  add({ section, metric: 'first page to all onboardings closed', value: `${ms(b.durationMs)} (starts at ${b.startRate}/s: floor ${ms(b.floorMs)}; the backfill itself ${ms(b.backfillMs)})`, target: `≤ ${ms(1.05 * b.floorMs)}`, met: b.succeeded === b.users && b.durationMs <= 1.05 * b.floorMs });
  add({ section, metric: 'users onboarded', value: `${b.succeeded} of ${b.users} (${b.failed} failed; ${b.started} executions started)`, target: 'all', met: b.succeeded === b.users && b.failed === 0 });
  add({ section, metric: 'users welcomed twice', value: String(b.duplicateWelcomes), target: '0', met: b.duplicateWelcomes === 0 });
  add({ section, metric: 'AttachPolicy calls per user', value: `${b.attachPolicy.callsPerUser.toFixed(2)} (${b.attachPolicy.throttled} of ${b.attachPolicy.calls} throttled)`, target: '≤ 1.2', met: b.attachPolicy.callsPerUser <= 1.2 });
  add({ section, metric: 'ListUsers calls over the quota (throttled)', value: `${b.listUsers.throttled} of ${b.listUsers.calls}`, target: '0', met: b.listUsers.throttled === 0 });
}
