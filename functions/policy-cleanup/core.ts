import { DetachPolicyCommand, ListTargetsForPolicyCommand, type IoTClient } from '@aws-sdk/client-iot';
import { namedError } from '../shared/errors';
import type { Log } from '../shared/observability';
import { listAll } from '../shared/pagination';
import { createPacer, type Sleep } from '../shared/pacing';

export interface PolicyCleanupDeps {
  readonly iot: Pick<IoTClient, 'send'>;
  readonly log: Log;
  readonly sleep?: Sleep;
  readonly now?: () => number;
}

export interface PolicyCleanupOptions {
  /** DetachPolicy calls per second, under the 15 TPS AttachPolicy/DetachPolicy quota. Default 10. */
  readonly ratePerSecond?: number;
  /** Milliseconds after which no call is started (the function's deadline less a margin). */
  readonly budgetMs?: number;
}

/** The time budget ran out with targets still attached; deleting the stack again finishes the job. */
export class CleanupIncompleteError extends namedError('CleanupIncomplete') {}

/**
 * Detaches every target of the given policies (ListTargetsForPolicy, paginated), paced under the
 * 15 TPS DetachPolicy/AttachPolicy quota, and lists again until no target is left. AWS refuses to
 * delete a policy with targets (DeleteConflict), so the stack runs this before deleting its policy.
 * A policy that is already gone has no targets. Past `budgetMs` it starts no call and throws
 * CleanupIncomplete with the count detached, so the custom resource still answers in time.
 */
export async function detachAllTargets(policyNames: readonly string[], deps: PolicyCleanupDeps, options: PolicyCleanupOptions = {}): Promise<number> {
  const pace = createPacer(options.ratePerSecond ?? 10, deps.sleep);
  const now = deps.now ?? Date.now;
  const started = now();
  let detached = 0;
  const checkBudget = () => {
    if (options.budgetMs !== undefined && now() - started > options.budgetMs) {
      throw new CleanupIncompleteError(`Time budget spent after detaching ${detached} target(s); targets remain attached. Delete the stack again to finish.`);
    }
  };
  for (const policyName of policyNames) {
    // New pages may appear while detaching (marker-based listing of a shrinking set): list again until empty.
    for (let round = 0; round < 20; round += 1) {
      const targets = await allTargets(deps, policyName, checkBudget);
      if (targets.length === 0) break;
      for (const target of targets) {
        await pace();
        checkBudget();
        await deps.iot.send(new DetachPolicyCommand({ policyName, target }));
        detached += 1;
      }
    }
  }
  deps.log.info('Detached every target of the product policies', { policyNames, detached });
  return detached;
}

/** ListTargetsForPolicy, every page, the budget checked before each; a policy already gone has no targets. */
function allTargets(deps: PolicyCleanupDeps, policyName: string, checkBudget: () => void): Promise<string[]> {
  const page = async (marker: string | undefined) => {
    const out = await deps.iot.send(new ListTargetsForPolicyCommand({ policyName, pageSize: 250, marker }));
    return { items: out.targets, next: out.nextMarker };
  };
  return listAll('ListTargetsForPolicy', [], page, checkBudget);
}
