import { DetachPolicyCommand, ListTargetsForPolicyCommand, type IoTClient } from '@aws-sdk/client-iot';
import { classifyAwsError } from '../shared/aws-errors';
import type { Log } from '../shared/observability';
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

async function allTargets(deps: PolicyCleanupDeps, policyName: string): Promise<string[]> {
  const targets: string[] = [];
  let marker: string | undefined;
  try {
    do {
      const page = await deps.iot.send(new ListTargetsForPolicyCommand({ policyName, pageSize: 250, marker }));
      targets.push(...(page.targets ?? []));
      marker = page.nextMarker;
    } while (marker);
  } catch (error) {
    if (classifyAwsError(error) === 'notFound') return [];
    throw error;
  }
  return targets;
}
