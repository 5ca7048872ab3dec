import { DetachPolicyCommand, ListTargetsForPolicyCommand, type IoTClient } from '@aws-sdk/client-iot';
import type { Log } from '../shared/observability';
import { listAll } from '../shared/pagination';
import { createPacer, type Sleep } from '../shared/pacing';

export interface PolicyCleanupDeps {
  readonly iot: Pick<IoTClient, 'send'>;
  readonly log: Log;
  readonly sleep?: Sleep;
}

/**
 * Detaches every target of the given policies (ListTargetsForPolicy, paginated), paced under the
 * 15 TPS DetachPolicy/AttachPolicy quota, and lists again until no target is left. AWS refuses to
 * delete a policy with targets (DeleteConflict), so the stack runs this before deleting its policy.
 * A policy that is already gone has no targets.
 */
export async function detachAllTargets(policyNames: readonly string[], deps: PolicyCleanupDeps, ratePerSecond = 10): Promise<number> {
  const pace = createPacer(ratePerSecond, deps.sleep);
  let detached = 0;
  for (const policyName of policyNames) {
    // New pages may appear while detaching (marker-based listing of a shrinking set): list again until empty.
    for (let round = 0; round < 20; round += 1) {
      const targets = await allTargets(deps, policyName);
      if (targets.length === 0) break;
      for (const target of targets) {
        await pace();
        await deps.iot.send(new DetachPolicyCommand({ policyName, target }));
        detached += 1;
      }
    }
  }
  deps.log.info('Detached every target of the product policies', { policyNames, detached });
  return detached;
}

/** ListTargetsForPolicy, every page; a policy already gone has no targets. */
function allTargets(deps: PolicyCleanupDeps, policyName: string): Promise<string[]> {
  return listAll('ListTargetsForPolicy', [], async (marker) => {
    const page = await deps.iot.send(new ListTargetsForPolicyCommand({ policyName, pageSize: 250, marker }));
    return { items: page.targets, next: page.nextMarker };
  });
}
