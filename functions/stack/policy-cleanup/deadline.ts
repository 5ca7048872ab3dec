import { CleanupIncompleteError } from '../../shared/aws/errors';

/** What the cleanup has done so far, named in the answer when it has to stop. */
export interface CleanupProgress {
  detached: number;
  readonly deleted: string[];
}

/**
 * The cleanup's time budget. Past `budgetMs` (counted from creation) it starts no call and begins
 * no wait, so the function still answers CloudFormation before its own timeout. No budget: unbounded.
 */
export interface Deadline {
  /** Throws CleanupIncomplete, naming what was done, once the budget is spent. */
  check(): void;
  /** Whether a wait of `ms` starting now would still end inside the budget. */
  allows(ms: number): boolean;
  /** Milliseconds since the cleanup started. */
  elapsedMs(): number;
}

export function createDeadline(now: () => number, budgetMs: number | undefined, progress: CleanupProgress): Deadline {
  const started = now();
  const elapsedMs = () => now() - started;
  return {
    elapsedMs,
    allows: (ms) => budgetMs === undefined || elapsedMs() + ms <= budgetMs,
    check: () => {
      if (budgetMs === undefined || elapsedMs() <= budgetMs) return;
      const deleted = progress.deleted.length > 0 ? `deleting ${progress.deleted.join(', ')}` : 'deleting no policy yet';
      throw new CleanupIncompleteError(`Time budget spent after detaching ${progress.detached} target(s) and ${deleted}. Delete the stack again to finish.`);
    },
  };
}
