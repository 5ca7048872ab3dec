import { alreadyRunningTotal, skippedDetail, skippedTotal, startedTotal, type BackfillCounts } from './counts';

/** What one progress line reports: the whole backfill's counts, and this run's pace. */
export interface ProgressFacts {
  readonly pages: number;
  readonly counts: BackfillCounts;
  readonly dryRun: boolean;
  /** Pages and users handled by this run (a resumed run's earlier pages do not count for its pace). */
  readonly runPages: number;
  readonly runUsers: number;
  readonly elapsedMs: number;
  /** DescribeUserPool's EstimatedNumberOfUsers, when known. */
  readonly estimatedUsers?: number | undefined;
}

/** Pages and users per second of this run, and the time left when the pool's size is known. */
export function pace(f: ProgressFacts): { pagesPerSecond?: number; usersPerSecond?: number; etaMs?: number } {
  if (f.elapsedMs <= 0) return {};
  const usersPerSecond = (f.runUsers * 1000) / f.elapsedMs;
  const pagesPerSecond = (f.runPages * 1000) / f.elapsedMs;
  if (f.estimatedUsers === undefined || usersPerSecond <= 0) return { pagesPerSecond, usersPerSecond };
  // The estimate lags; once passed, the remaining pages are the last ones.
  const etaMs = (Math.max(0, f.estimatedUsers - f.counts.seen) / usersPerSecond) * 1000;
  return { pagesPerSecond, usersPerSecond, etaMs };
}

/** `backfill: page 3, 180 seen, 150 started, 2 already running, 20 already onboarded, 8 skipped (…), 2.0 pages/s, 110.0 users/s, ETA 4m 10s`. */
export function progressLine(f: ProgressFacts): string {
  const c = f.counts;
  const skipped = skippedTotal(c) > 0 ? ` (${skippedDetail(c)})` : '';
  const started = f.dryRun ? `${c.wouldStart} would start` : `${startedTotal(c)} started, ${alreadyRunningTotal(c)} already running`;
  const p = pace(f);
  const rates = p.pagesPerSecond === undefined ? '' : `, ${p.pagesPerSecond.toFixed(1)} pages/s, ${(p.usersPerSecond ?? 0).toFixed(1)} users/s`;
  const eta = p.etaMs === undefined ? '' : `, ETA ${formatDuration(p.etaMs)}${f.estimatedUsers !== undefined ? ` of ~${f.estimatedUsers} users` : ''}`;
  return `backfill${f.dryRun ? ' (dry run)' : ''}: page ${f.pages}, ${c.seen} seen, ${started}, ${c.alreadyOnboarded} already onboarded, ${skippedTotal(c)} skipped${skipped}${rates}${eta}`;
}

/** `1h 02m`, `4m 10s`, `12s`. */
export function formatDuration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}
