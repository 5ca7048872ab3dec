import { TRUST_DEFAULTS } from '../functions/shared/user-trust';
import { BENCH_PASSWORD, progress, startBenchSandbox, type BenchSandbox } from './fixture';
import { distribution, type Distribution } from './stats';

export interface LifecycleFigures {
  /** The trust rules' cost on the command API (GET /iot/credentials through the HTTP API). */
  readonly trust: {
    readonly windowSeconds: number;
    /** Requests answered from a trust decision still inside its window. */
    readonly warmMs: Distribution;
    readonly warmAdminGetUserPerRequest: number;
    /** Requests made after the window passed: each re-validates with AdminGetUser. */
    readonly revalidatingMs: Distribution;
    readonly revalidatingAdminGetUserPerRequest: number;
  };
}

const ADMIN_GET_USER = 'cognito-idp:AdminGetUser';

/**
 * The bench sandbox's trust window: 1 s, so that moving the sandbox clock 1 s before a request
 * makes it re-validate while 100 requests move the clock less than SigV4's 5-minute skew (the
 * bench's own SDK clients sign with the real time). What one re-validation costs does not
 * depend on the window; how often it happens does (README, Trust rules).
 */
const BENCH_WINDOW_S = 1;

/** Times `count` API requests; with `revalidate`, each after the clock passed the trust window. */
async function timeRequests(fixture: BenchSandbox, idToken: string, count: number, revalidate: boolean) {
  const { sandbox, app } = fixture;
  const before = sandbox.faults.stats(ADMIN_GET_USER).calls;
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    // Only forward: a decision made at a later clock reading would look fresh after a rewind.
    if (revalidate) sandbox.clock.advance(BENCH_WINDOW_S * 1000);
    const started = performance.now();
    await app.iotAccess(idToken);
    samples.push(performance.now() - started);
  }
  return { ms: distribution(samples), adminGetUserPerRequest: (sandbox.faults.stats(ADMIN_GET_USER).calls - before) / count };
}

/**
 * Identity lifecycle figures: what re-validating a user costs an API call (AdminGetUser calls
 * and milliseconds), against the same calls inside the window.
 */
export async function benchLifecycle(options: { requests: number }): Promise<LifecycleFigures> {
  const fixture = await startBenchSandbox({ retryIntervalOverrides: 0, trustRevalidateSeconds: BENCH_WINDOW_S });
  try {
    const [username] = await fixture.createUsers(1, 1, 'trust');
    if (!username) throw new Error('no bench user');
    await fixture.app.signIn(username, BENCH_PASSWORD);
    const tokens = await fixture.app.signIn(username, BENCH_PASSWORD);
    const first = await fixture.sandbox.services.sfn.waitForExecution(fixture.executionArnOf(tokens));
    if (first !== 'SUCCEEDED') throw new Error(`onboarding of the bench user ended ${first}`);
    const fresh = await fixture.app.signIn(username, BENCH_PASSWORD);
    progress(`lifecycle: ${options.requests} API requests inside the trust window, then ${options.requests} re-validating`);
    await timeRequests(fixture, fresh.idToken, 20, true); // warm-up: cold workers, credential cache
    // "Inside the window" needs a window longer than the run: the clock stands still meanwhile,
    // so a 1 s window still holds while the clock is not moved.
    const warm = await timeRequests(fixture, fresh.idToken, options.requests, false);
    const revalidating = await timeRequests(fixture, fresh.idToken, options.requests, true);
    return {
      trust: {
        windowSeconds: TRUST_DEFAULTS.revalidateSeconds,
        warmMs: warm.ms,
        warmAdminGetUserPerRequest: warm.adminGetUserPerRequest,
        revalidatingMs: revalidating.ms,
        revalidatingAdminGetUserPerRequest: revalidating.adminGetUserPerRequest,
      },
    };
  } finally {
    await fixture.close();
  }
}

interface RowSink {
  (row: { section: string; metric: string; value: string; target?: string; met?: boolean }): void;
}

/** The table rows of the lifecycle phase. */
export function lifecycleRows(l: LifecycleFigures, add: RowSink, ms: (v: number) => string): void {
  const s = 'Identity lifecycle';
  const t = l.trust;
  add({
    section: s,
    metric: 'API call inside the trust window',
    value: `p50 ${ms(t.warmMs.p50)}, p99 ${ms(t.warmMs.p99)}; ${t.warmAdminGetUserPerRequest.toFixed(2)} AdminGetUser per call`,
  });
  add({
    section: s,
    metric: `API call that re-validates (once per user per ${t.windowSeconds} s by default)`,
    value: `p50 ${ms(t.revalidatingMs.p50)}, p99 ${ms(t.revalidatingMs.p99)}; ${t.revalidatingAdminGetUserPerRequest.toFixed(2)} AdminGetUser per call; +${ms(t.revalidatingMs.p50 - t.warmMs.p50)} at p50`,
  });
}
