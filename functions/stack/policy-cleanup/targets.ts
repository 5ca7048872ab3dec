import { DetachPolicyCommand, ListTargetsForPolicyCommand, type IoTClient } from '@aws-sdk/client-iot';
import { classifyAwsError, toUpstreamError } from '../../shared/aws/classify';
import { CleanupIncompleteError } from '../../shared/aws/errors';
import type { Log } from '../../shared/observability/logging';
import { listAll } from '../../shared/aws/pagination';
import type { CleanupProgress, Deadline } from './deadline';

/** What detaching needs: the IoT client, the pacer of DetachPolicy calls, the deadline, the tally. */
export interface DetachContext {
  readonly iot: Pick<IoTClient, 'send'>;
  readonly log: Log;
  readonly pace: () => Promise<void>;
  readonly deadline: Deadline;
  readonly progress: CleanupProgress;
}

/**
 * Listing and detaching again until a listing comes back empty (new pages may appear while
 * detaching: marker-based listing of a shrinking set). Past this many rounds something keeps
 * attaching the policy, and the cleanup stops rather than report success.
 */
export const MAX_DETACH_ROUNDS = 20;

/**
 * Detaches every target of `policyName` (ListTargetsForPolicy, every page, then DetachPolicy each,
 * paced), listing again until none is left. Answers 'gone' when the policy no longer exists.
 * Throws CleanupIncomplete when targets remain after MAX_DETACH_ROUNDS.
 */
export async function detachAllTargets(policyName: string, ctx: DetachContext): Promise<'detached' | 'gone'> {
  for (let round = 0; round < MAX_DETACH_ROUNDS; round += 1) {
    const targets = await allTargets(policyName, ctx);
    if (targets === 'gone') return 'gone';
    if (targets.length === 0) return 'detached';
    for (const target of targets) {
      await ctx.pace();
      ctx.deadline.check();
      await detach(policyName, target, ctx);
    }
  }
  throw new CleanupIncompleteError(
    `Targets of ${policyName} kept appearing: ${MAX_DETACH_ROUNDS} rounds of listing and detaching (${ctx.progress.detached} detached) did not leave it without targets. Is something still attaching it? Delete the stack again once it has stopped.`,
  );
}

/** DetachPolicy; a target (or policy) that no longer exists is as good as detached. */
async function detach(policyName: string, target: string, ctx: DetachContext): Promise<void> {
  try {
    await ctx.iot.send(new DetachPolicyCommand({ policyName, target }));
    ctx.progress.detached += 1;
  } catch (error) {
    if (classifyAwsError(error) === 'notFound') return;
    throw toUpstreamError('DetachPolicy', error);
  }
}

/** ListTargetsForPolicy, every page, the deadline checked before each; 'gone' when the policy is. */
function allTargets(policyName: string, ctx: DetachContext): Promise<string[] | 'gone'> {
  const page = async (marker: string | undefined) => {
    const out = await ctx.iot.send(new ListTargetsForPolicyCommand({ policyName, pageSize: 250, marker }));
    return { items: out.targets, next: out.nextMarker };
  };
  return listAll('ListTargetsForPolicy', 'gone' as const, page, ctx.deadline.check);
}
