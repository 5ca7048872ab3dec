import { DeletePolicyCommand, DeletePolicyVersionCommand, ListPolicyVersionsCommand, type IoTClient } from '@aws-sdk/client-iot';
import { classifyAwsError, toUpstreamError } from '../../shared/aws/classify';
import { errorName } from '../../shared/aws/error-name';
import type { Deadline } from './deadline';

/** What one deletion attempt needs: the IoT client and the deadline checked before each call. */
export interface DeletionContext {
  readonly iot: Pick<IoTClient, 'send'>;
  readonly deadline: Deadline;
}

/** How one attempt to delete a policy ended. */
export type DeletionOutcome = 'deleted' | 'gone' | 'conflict';

/**
 * DeleteConflictException (409): "You can't delete the resource because it is attached to one or
 * more resources". AWS answers it for a while after the last DetachPolicy: "it can take up to five
 * minutes after a policy is detached before it's ready to be deleted"
 * (https://docs.aws.amazon.com/iot/latest/apireference/API_DeletePolicy.html).
 */
const isDeleteConflict = (error: unknown) => errorName(error) === 'DeleteConflictException';

/**
 * One attempt: DeletePolicyVersion for each non-default version (DeletePolicy refuses a policy that
 * has any; CloudFormation adds a version on every update of the document), then DeletePolicy,
 * which deletes the default version with the policy (API_DeletePolicy). A policy or version that
 * no longer exists counts as deleted; DeleteConflict is for the caller to retry later.
 */
export async function tryDeletePolicy(policyName: string, ctx: DeletionContext): Promise<DeletionOutcome> {
  const versions = await nonDefaultVersions(policyName, ctx);
  if (versions === 'gone') return 'gone';
  for (const policyVersionId of versions) {
    const outcome = await attempt('DeletePolicyVersion', ctx, () => ctx.iot.send(new DeletePolicyVersionCommand({ policyName, policyVersionId })));
    if (outcome === 'conflict') return 'conflict';
  }
  return attempt('DeletePolicy', ctx, () => ctx.iot.send(new DeletePolicyCommand({ policyName })));
}

/** ListPolicyVersions (one page: a policy has at most five versions); 'gone' when the policy is. */
async function nonDefaultVersions(policyName: string, ctx: DeletionContext): Promise<string[] | 'gone'> {
  ctx.deadline.check();
  try {
    const out = await ctx.iot.send(new ListPolicyVersionsCommand({ policyName }));
    return (out.policyVersions ?? []).flatMap((v) => (v.isDefaultVersion || !v.versionId ? [] : [v.versionId]));
  } catch (error) {
    if (classifyAwsError(error) === 'notFound') return 'gone';
    throw toUpstreamError('ListPolicyVersions', error);
  }
}

/** One delete call, the deadline checked first: not found is 'gone', DeleteConflict 'conflict'. */
async function attempt(operation: string, ctx: DeletionContext, call: () => Promise<unknown>): Promise<DeletionOutcome> {
  ctx.deadline.check();
  try {
    await call();
    return 'deleted';
  } catch (error) {
    if (isDeleteConflict(error)) return 'conflict';
    if (classifyAwsError(error) === 'notFound') return 'gone';
    throw toUpstreamError(operation, error);
  }
}
