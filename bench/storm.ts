import type { ExecutionStatus } from '@aws-sdk/client-sfn';
import type { AppClient } from '../sandbox/clients/app-client';
import { AttachGate } from '../functions/shared/gates/gates';
import { benchOffboardingStorm, type OffboardingQuotas, type OffboardingStormFigures } from './offboarding-storm';
import { callsBetween, snapshotCalls, type CallCounts } from './aws-calls';
import { failureSummary, mapLimit, rejected, within } from './concurrency';
import { closeAppClient, progress, startBenchSandbox } from './fixture';
import { usersHoldingPolicy } from './policy-holders';
import { firingLabel, signInClients, timedSignIn } from './sign-ins';
import { distribution, type Distribution } from './stats';

export interface StormOptions {
  readonly users: number;
  /** AttachPolicy throttle (calls per second) for the storm. */
  readonly tps: number;
  /** Sign-ins in flight at once; `users` or more fires them all at once. */
  readonly concurrency: number;
  /** Then delete this many of the onboarded users at once (the offboarding storm); 0: none. */
  readonly offboardUsers?: number;
  readonly offboardingQuotas?: OffboardingQuotas;
}

export interface StormFigures {
  readonly users: number;
  readonly tps: number;
  /** How the sign-ins were fired. */
  readonly firing: string;
  /** First sign-in sent to the last sign-in answered. */
  readonly signInsMs: number;
  /** Request to answer of every sign-in, answered or failed: what each user waited (the trigger runs inside it). */
  readonly signInLatencyMs: Distribution;
  /** First sign-in sent to the last onboarding execution closed. */
  readonly durationMs: number;
  readonly floorMs: number;
  /** The attach gate's rate for the storm: the product's share of the quota (12 of 15), scaled to Q. */
  readonly gateRate: number;
  /** N / gate rate: the fastest the gate drains the storm. */
  readonly gateFloorMs: number;
  readonly targetMs: number;
  readonly onboarded: number;
  /** Users whose identity holds no IoT policy when the storm ends (IoT's state, not the executions'). */
  readonly withoutPolicy: number;
  readonly failedExecutions: number;
  /** Executions still running at the phase's time limit (aborted when the sandbox closes). */
  readonly unfinished: number;
  readonly signInFailures: number;
  readonly missingExecutions: number;
  readonly failureMessages: readonly string[];
  readonly attachPolicy: { readonly calls: number; readonly throttled: number; readonly callsPerUser: number };
  readonly executionsStarted: number;
  /** Welcome shadow updates beyond one per onboarded user. */
  readonly duplicateWelcomes: number;
  readonly calls: CallCounts;
  readonly transitions: number;
  /** Resident set size of the bench process (which hosts the sandbox) right after the storm. */
  readonly rssBytes: number;
  /** The same sandbox's users deleted at once afterwards, when asked for. */
  readonly offboarding?: OffboardingStormFigures;
}

function named(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

const TERMINAL = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']);

/**
 * N new users sign in at once while AttachPolicy is throttled at Q TPS and the attach gate drains
 * at its share of Q: how long until every onboarding has closed, how many AttachPolicy calls each
 * user cost, and whether any failed or welcomed a user twice.
 */
export async function benchStorm(options: StormOptions): Promise<StormFigures> {
  const { users, tps } = options;
  const concurrency = Math.min(users, options.concurrency);
  // The gate keeps the product's headroom: its default 12 of AttachPolicy's 15 TPS, scaled to a
  // smaller quota, never above the default (the worker refuses a rate at or above the real quota).
  const gateRate = Math.min(AttachGate.ratePerSecond, (tps * AttachGate.ratePerSecond) / AttachGate.quotaPerSecond);
  // No retryIntervalOverrides: the storm measures the workflow's own waits against the quota.
  const fixture = await startBenchSandbox({ gateRates: { attach: gateRate } });
  const { sandbox } = fixture;
  const clients = signInClients(sandbox, concurrency);
  const floorMs = (users / tps) * 1000;
  const gateFloorMs = (users / gateRate) * 1000;
  const limitMs = Math.max(30_000, 3 * gateFloorMs);
  try {
    progress(`storm: creating ${users} users (not timed, 20 at a time)`);
    const names = await fixture.createUsers(users, 20, 'storm');

    sandbox.faults.set('iot:AttachPolicy', { throttleTps: tps });
    sandbox.faults.resetStats();
    const machine = sandbox.stateMachineArn;
    const executionsBefore = sandbox.services.sfn.stats.executions;
    const transitionsBefore = sandbox.services.sfn.stats.transitions;
    const before = snapshotCalls(sandbox.faults);
    let lastClosedAt = 0;
    const unsubscribe = sandbox.services.sfn.onExecutionEvent((notice) => {
      if (notice.stateMachineArn === machine && notice.event.type && TERMINAL.has(notice.event.type)) lastClosedAt = performance.now();
    });

    const firing = firingLabel(users, concurrency, clients.length);
    progress(`storm: ${users} sign-ins, ${firing}, AttachPolicy throttled at ${tps} TPS (floor ${(floorMs / 1000).toFixed(1)} s, limit ${(limitMs / 1000).toFixed(0)} s)`);
    const started = performance.now();
    const deadline = started + limitMs;
    const remaining = () => Math.max(1, deadline - performance.now());
    const { signIns, closes, latencies } = await fireSignIns(fixture, clients, names, concurrency, remaining);
    const signInsMs = performance.now() - started;
    const results = [...signIns.filter((r) => r.status === 'rejected'), ...(await Promise.allSettled(closes))];
    unsubscribe();
    const rssBytes = process.memoryUsage().rss;
    const calls = callsBetween(before, snapshotCalls(sandbox.faults));
    const statuses = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const onboarded = statuses.filter((s) => s === 'SUCCEEDED').length;
    const holders = await usersHoldingPolicy(sandbox, names);
    progress(`storm: ${onboarded}/${users} onboarded in ${((lastClosedAt - started) / 1000).toFixed(1)} s`);
    return {
      users,
      tps,
      firing,
      signInsMs,
      signInLatencyMs: distribution(latencies),
      durationMs: (lastClosedAt || performance.now()) - started,
      floorMs,
      gateRate,
      gateFloorMs,
      targetMs: 1.05 * gateFloorMs,
      onboarded,
      withoutPolicy: users - holders.size,
      failedExecutions: statuses.filter((s) => s !== 'SUCCEEDED').length,
      ...failureFigures(rejected(results)),
      attachPolicy: attachFigures(sandbox.faults.stats('iot:AttachPolicy'), users),
      executionsStarted: sandbox.services.sfn.stats.executions - executionsBefore,
      duplicateWelcomes: Math.max(0, (calls['iot:UpdateThingShadow'] ?? 0) - onboarded),
      calls,
      transitions: sandbox.services.sfn.stats.transitions - transitionsBefore,
      rssBytes,
      ...(await offboardingStorm(sandbox, names, options)),
    };
  } finally {
    for (const client of clients) closeAppClient(client);
    await fixture.close();
  }
}

type BenchFixture = Awaited<ReturnType<typeof startBenchSandbox>>;

/** The offboarding storm on the storm's own users, once they are onboarded (when asked for). */
async function offboardingStorm(sandbox: BenchFixture['sandbox'], names: readonly string[], options: StormOptions) {
  const count = Math.min(options.offboardUsers ?? 0, names.length);
  if (count === 0) return {};
  return { offboarding: await benchOffboardingStorm(sandbox, { usernames: names.slice(0, count), quotas: options.offboardingQuotas ?? 'gated' }) };
}

/** Fires the sign-ins; each holds a concurrency slot, the executions they start are awaited outside it. */
async function fireSignIns(fixture: BenchFixture, clients: readonly AppClient[], names: readonly string[], concurrency: number, remaining: () => number) {
  const closes: Array<Promise<ExecutionStatus>> = [];
  const latencies: number[] = [];
  const signIns = await mapLimit(names, concurrency, async (username, i) => {
    const signIn = await timedSignIn(clients[i % clients.length] as AppClient, username, remaining());
    latencies.push(signIn.ms);
    if ('error' in signIn) throw named('SignInFailed', `sign-in failed: ${signIn.error.message}`);
    const { tokens } = signIn;
    // Async wrapper: a malformed token would otherwise throw synchronously, outside the catch.
    const execution = (async () => fixture.sandbox.services.sfn.waitForExecution(fixture.executionArnOf(tokens)))().catch((error: Error) => {
      // The trigger never fails a sign-in: when it could not start the execution, there is none.
      throw named('NoExecution', `no execution: ${error.message}`);
    });
    closes.push(within(execution, remaining(), 'execution close'));
  });
  return { signIns, closes, latencies };
}

function failureFigures(failures: readonly unknown[]) {
  const count = (name: string) => failures.filter((f) => f instanceof Error && f.name === name).length;
  return {
    // What is neither a failed sign-in nor a missing execution is an execution still open at the limit.
    unfinished: failures.length - count('SignInFailed') - count('NoExecution'),
    signInFailures: count('SignInFailed'),
    missingExecutions: count('NoExecution'),
    failureMessages: failureSummary(failures),
  };
}

function attachFigures(attach: { calls: number; throttled: number }, users: number) {
  return { calls: attach.calls, throttled: attach.throttled, callsPerUser: attach.calls / users };
}
