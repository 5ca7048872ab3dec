import type { IoTClient } from '@aws-sdk/client-iot';
import { CleanupIncompleteError } from '../../shared/aws/errors';
import type { Log } from '../../shared/observability/logging';
import { createPacer, realSleep, type Sleep } from '../../shared/aws/pacing';
import { createDeadline } from './deadline';
import { tryDeletePolicy, type DeletionOutcome } from './deletion';
import { detachAllTargets, type DetachContext } from './targets';

export interface PolicyCleanupDeps {
  readonly iot: Pick<IoTClient, 'send'>;
  readonly log: Log;
  readonly sleep?: Sleep;
  readonly now?: () => number;
}

/** Waits between rounds whose DeletePolicy answered DeleteConflict: doubling from `firstMs` up to `maxMs`. */
export interface ConflictBackoff {
  readonly firstMs: number;
  readonly maxMs: number;
  /** Rounds in all, the first included. */
  readonly maxRounds: number;
}

/**
 * 5 s doubling to 30 s, 25 rounds: 5 + 10 + 20 + 21 × 30 = 665 s of waiting, more than the five
 * minutes AWS gives a detached policy to become deletable (API_DeletePolicy), with room for an
 * onboarding execution still in flight to attach once more (each round detaches again). The time
 * budget usually ends the retries first.
 */
export const DEFAULT_CONFLICT_BACKOFF: ConflictBackoff = { firstMs: 5_000, maxMs: 30_000, maxRounds: 25 };

export interface PolicyCleanupOptions {
  /** DetachPolicy calls per second, under the 15 TPS AttachPolicy/DetachPolicy quota. Default 10. */
  readonly ratePerSecond?: number;
  /** Milliseconds after which no call is started and no wait begun (the function's deadline less a margin). */
  readonly budgetMs?: number;
  /** Default DEFAULT_CONFLICT_BACKOFF. */
  readonly conflictBackoff?: ConflictBackoff;
}

export interface CleanupReport {
  readonly detached: number;
  readonly deleted: readonly string[];
  readonly alreadyGone: readonly string[];
  readonly rounds: number;
}

/**
 * Deletes the product's IoT policies on stack deletion, which CloudFormation then leaves alone
 * (lib/: DeletionPolicy RetainExceptOnCreate). Each round, for every policy still there: detach
 * every target (listing until none is left), delete the non-default versions, DeletePolicy. A
 * policy already gone is done. DeleteConflict (detachment not yet propagated) waits and runs
 * another round, within the rounds of `conflictBackoff` and the time budget; it never reports
 * success with a policy left: past either bound it throws CleanupIncomplete naming what is left.
 */
export async function tearDownPolicies(policyNames: readonly string[], deps: PolicyCleanupDeps, options: PolicyCleanupOptions = {}): Promise<CleanupReport> {
  const sleep = deps.sleep ?? realSleep;
  const backoff = options.conflictBackoff ?? DEFAULT_CONFLICT_BACKOFF;
  const progress = { detached: 0, deleted: [] as string[] };
  const deadline = createDeadline(deps.now ?? Date.now, options.budgetMs, progress);
  const ctx: DetachContext = { iot: deps.iot, log: deps.log, pace: createPacer(options.ratePerSecond ?? 10, sleep), deadline, progress };
  const alreadyGone: string[] = [];
  let pending = [...policyNames];
  for (let round = 1; ; round += 1) {
    const conflicts: string[] = [];
    for (const policyName of pending) {
      const outcome = await removePolicy(policyName, ctx);
      if (outcome === 'conflict') conflicts.push(policyName);
      else (outcome === 'deleted' ? progress.deleted : alreadyGone).push(policyName);
    }
    pending = conflicts;
    if (pending.length === 0) {
      deps.log.info('Deleted the product policies', { detached: progress.detached, deleted: progress.deleted, alreadyGone, rounds: round });
      return { detached: progress.detached, deleted: progress.deleted, alreadyGone, rounds: round };
    }
    const waitMs = Math.min(backoff.firstMs * 2 ** (round - 1), backoff.maxMs);
    if (round >= backoff.maxRounds || !deadline.allows(waitMs)) throw stillConflicting(pending, round, deadline.elapsedMs());
    deps.log.warn('DeletePolicy answered DeleteConflict: detachment not propagated yet, trying again', { pending, round, waitMs });
    await sleep(waitMs);
  }
}

/** One policy: detach everything, then try to delete it (versions first). */
async function removePolicy(policyName: string, ctx: DetachContext): Promise<DeletionOutcome> {
  if ((await detachAllTargets(policyName, ctx)) === 'gone') return 'gone';
  return tryDeletePolicy(policyName, ctx);
}

function stillConflicting(pending: readonly string[], rounds: number, elapsedMs: number): CleanupIncompleteError {
  return new CleanupIncompleteError(
    `DeletePolicy of ${pending.join(', ')} still answered DeleteConflict after ${rounds} round(s) over ${Math.round(elapsedMs / 1000)} s ` +
      '(AWS: a detached policy can take up to five minutes to become deletable). Delete the stack again to finish.',
  );
}
