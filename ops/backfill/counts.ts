import type { EnsureAction } from '../../functions/shared/workflows/executions';
import type { Classification } from './classify';

/** What backfill did so far, kept in the checkpoint so a resumed run reports the whole backfill. */
export interface BackfillCounts {
  seen: number;
  /** Executions started, redriven or replaced (`ensureOnboardingExecution`'s result). */
  started: number;
  redriven: number;
  replaced: number;
  /** Users whose execution already ran or runs: a sign-in (or an earlier run) got there first. */
  alreadyRunning: number;
  alreadySucceeded: number;
  /** `custom:iot_onboarded` is this deployment's version. */
  alreadyOnboarded: number;
  /** `--dry-run`: users it would start. */
  wouldStart: number;
  /** Users left alone, by reason (`disabled`, `status:UNCONFIRMED`, …). */
  skipped: Record<string, number>;
}

export function emptyCounts(): BackfillCounts {
  return { seen: 0, started: 0, redriven: 0, replaced: 0, alreadyRunning: 0, alreadySucceeded: 0, alreadyOnboarded: 0, wouldStart: 0, skipped: {} };
}

export function addCounts(a: BackfillCounts, b: BackfillCounts): BackfillCounts {
  const skipped = { ...a.skipped };
  for (const [reason, n] of Object.entries(b.skipped)) skipped[reason] = (skipped[reason] ?? 0) + n;
  return {
    seen: a.seen + b.seen,
    started: a.started + b.started,
    redriven: a.redriven + b.redriven,
    replaced: a.replaced + b.replaced,
    alreadyRunning: a.alreadyRunning + b.alreadyRunning,
    alreadySucceeded: a.alreadySucceeded + b.alreadySucceeded,
    alreadyOnboarded: a.alreadyOnboarded + b.alreadyOnboarded,
    wouldStart: a.wouldStart + b.wouldStart,
    skipped,
  };
}

/** Counts one classified user (before any start). */
export function countClassified(counts: BackfillCounts, c: Classification): void {
  counts.seen++;
  if (c.kind === 'onboarded') counts.alreadyOnboarded++;
  if (c.kind === 'skip') counts.skipped[c.reason] = (counts.skipped[c.reason] ?? 0) + 1;
}

const ENSURE_FIELD: Record<EnsureAction, keyof Omit<BackfillCounts, 'skipped'>> = {
  started: 'started',
  redriven: 'redriven',
  replaced: 'replaced',
  'already-running': 'alreadyRunning',
  'already-succeeded': 'alreadySucceeded',
};

export function countEnsured(counts: BackfillCounts, action: EnsureAction): void {
  counts[ENSURE_FIELD[action]]++;
}

/** Started in any way: a new execution, a redrive or a replacement. */
export const startedTotal = (c: BackfillCounts) => c.started + c.redriven + c.replaced;
export const alreadyRunningTotal = (c: BackfillCounts) => c.alreadyRunning + c.alreadySucceeded;
export const skippedTotal = (c: BackfillCounts) => Object.values(c.skipped).reduce((a, b) => a + b, 0);

/** `status UNCONFIRMED 6, disabled 2`. */
export function skippedDetail(c: BackfillCounts): string {
  return Object.entries(c.skipped).map(([reason, n]) => `${reason.replace(':', ' ')} ${n}`).join(', ');
}
