import type { CognitoIdentityProviderClient, UserType } from '@aws-sdk/client-cognito-identity-provider';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { createPacer, retryThrottled, type Sleep } from '../../functions/shared/aws/pacing';
import { ensureOnboardingExecution } from '../../functions/shared/workflows/executions';
import { describeAwsFailure } from '../output';
import type { Checkpoint, CheckpointStore } from './checkpoint';
import { classifyUser } from './classify';
import { addCounts, countClassified, countEnsured, emptyCounts, type BackfillCounts } from './counts';
import { isThrottled, listUsersPage, StalePaginationTokenError } from './pages';
import { progressLine } from './progress';

export interface BackfillDeps {
  readonly idp: Pick<CognitoIdentityProviderClient, 'send'>;
  readonly sfn: Pick<SFNClient, 'send'>;
  /** Undefined on a dry run: nothing is written. */
  readonly store?: CheckpointStore | undefined;
  readonly sleep: Sleep;
  /** Milliseconds, monotonic (pacing, rates); `wallClock` dates the checkpoint. */
  readonly now: () => number;
  readonly wallClock: () => Date;
  readonly random?: () => number;
  readonly progress: (line: string) => void;
  readonly warn: (line: string) => void;
  /** Asked after each page: stop there (Ctrl-C), the checkpoint written. */
  readonly shouldStop?: () => boolean;
}

export interface BackfillRun {
  readonly userPoolId: string;
  readonly stateMachineArn: string;
  readonly onboardingVersion: string;
  readonly pageRate: number;
  readonly startRate: number;
  readonly pageSize: number;
  readonly maxPages?: number | undefined;
  readonly dryRun: boolean;
  readonly estimatedUsers?: number | undefined;
  /** An in-progress checkpoint to resume from. */
  readonly resume?: Checkpoint | undefined;
}

export interface BackfillReport {
  /** complete: every page handled; stopped: --max-pages or Ctrl-C (resumable); failed: some users could not be started. */
  readonly outcome: 'complete' | 'stopped' | 'failed';
  readonly pages: number;
  readonly runPages: number;
  readonly counts: BackfillCounts;
  readonly errors: Array<{ username: string; reason: string }>;
  /** --dry-run: the users it would start. */
  readonly wouldStart: Array<{ username: string; sub: string }>;
  readonly startedOver: boolean;
}

interface State {
  token: string | undefined;
  pages: number;
  counts: BackfillCounts;
  runPages: number;
  runUsers: number;
  startedOver: boolean;
  readonly startedAt: string;
}

/**
 * Goes through the pool a page at a time, paced, onboarding every user a sign-in would onboard
 * with the trigger's own `ensureOnboardingExecution` (one deterministic execution per user and
 * version: a sign-in meanwhile converges on it). The checkpoint moves after each page.
 */
export async function runBackfill(deps: BackfillDeps, run: BackfillRun): Promise<BackfillReport> {
  const retry = { sleep: deps.sleep, ...(deps.random ? { random: deps.random } : {}) };
  const pacePages = createPacer(run.pageRate, deps.sleep, deps.now);
  const paceStarts = createPacer(run.startRate, deps.sleep, deps.now);
  const begin = deps.now();
  const state: State = { token: run.resume?.nextToken, pages: run.resume?.pages ?? 0, counts: run.resume?.counts ?? emptyCounts(), runPages: 0, runUsers: 0, startedOver: false, startedAt: run.resume?.startedAt ?? deps.wallClock().toISOString() };
  const wouldStart: BackfillReport['wouldStart'] = [];
  for (;;) {
    await pacePages();
    const page = await nextPage(deps, run, state, retry);
    const handled = await handlePage(deps, run, page.users, { paceStarts, retry, wouldStart });
    state.counts = addCounts(state.counts, handled.counts);
    state.pages++;
    state.runPages++;
    state.runUsers += page.users.length;
    const report = (outcome: BackfillReport['outcome']): BackfillReport => ({ outcome, pages: state.pages, runPages: state.runPages, counts: state.counts, errors: handled.errors, wouldStart, startedOver: state.startedOver });
    deps.progress(progressLine({ ...state, dryRun: run.dryRun, elapsedMs: deps.now() - begin, estimatedUsers: run.estimatedUsers }));
    // Never lose a page: with a user not handled, the checkpoint stays before this page.
    if (handled.errors.length > 0) return report('failed');
    state.token = page.nextToken;
    save(deps, run, state, page.nextToken ? 'in-progress' : 'complete');
    if (!page.nextToken) return report('complete');
    if ((run.maxPages !== undefined && state.runPages >= run.maxPages) || deps.shouldStop?.()) return report('stopped');
  }
}

/** The next page; a refused checkpoint token starts the listing over (once: every start is idempotent). */
async function nextPage(deps: BackfillDeps, run: BackfillRun, state: State, retry: { sleep: Sleep }) {
  try {
    return await listUsersPage(deps.idp, { userPoolId: run.userPoolId, pageSize: run.pageSize, token: state.token }, retry);
  } catch (error) {
    if (!(error instanceof StalePaginationTokenError) || state.startedOver) throw error;
    deps.warn(`${error.message}; starting over from the first page (safe: users already onboarded are skipped, running onboardings are not started twice)`);
    Object.assign(state, { token: undefined, pages: 0, counts: emptyCounts(), startedOver: true });
    return listUsersPage(deps.idp, { userPoolId: run.userPoolId, pageSize: run.pageSize }, retry);
  }
}

/** Classifies and onboards a page's users; a user whose start failed is reported, the others still handled. */
async function handlePage(deps: BackfillDeps, run: BackfillRun, users: UserType[], ctx: { paceStarts: () => Promise<void>; retry: { sleep: Sleep }; wouldStart: BackfillReport['wouldStart'] }) {
  const counts = emptyCounts();
  const errors: BackfillReport['errors'] = [];
  for (const user of users) {
    const c = classifyUser(user, run.onboardingVersion);
    countClassified(counts, c);
    if (c.kind !== 'start') continue;
    if (run.dryRun) {
      counts.wouldStart++;
      ctx.wouldStart.push({ username: c.username, sub: c.sub });
      continue;
    }
    await ctx.paceStarts();
    try {
      const target = { stateMachineArn: run.stateMachineArn, onboardingVersion: run.onboardingVersion };
      countEnsured(counts, await retryThrottled(() => ensureOnboardingExecution(deps.sfn, target, c), isThrottled, ctx.retry));
    } catch (error) {
      errors.push({ username: c.username, reason: describeAwsFailure(error) });
    }
  }
  return { counts, errors };
}

function save(deps: BackfillDeps, run: BackfillRun, state: State, status: Checkpoint['state']): void {
  if (run.dryRun || !deps.store) return;
  deps.store.save({
    kind: 'iot-onboarding-backfill',
    userPoolId: run.userPoolId,
    onboardingVersion: run.onboardingVersion,
    state: status,
    ...(state.token ? { nextToken: state.token } : {}),
    pages: state.pages,
    counts: state.counts,
    startedAt: state.startedAt,
    updatedAt: deps.wallClock().toISOString(),
  });
}
