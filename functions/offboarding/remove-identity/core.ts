import { DeleteIdentitiesCommand, type CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { classifyAwsError, toUpstreamError } from '../../shared/aws/classify';
import { UpstreamRejectedError, UpstreamUnavailableError } from '../../shared/aws/errors';
import type { Log } from '../../shared/observability/logging';
import { identityTaskInputSchema, parseTaskInput } from '../../shared/workflows/task-input';

export interface RemoveIdentityDeps {
  readonly cognitoIdentity: Pick<CognitoIdentityClient, 'send'>;
  readonly log: Log;
}

/**
 * Workflow step: the developer identity is gone. DeleteIdentities removes the identity with its
 * developer login, so the `sub` resolves to nothing (and to a new identity if the user is enabled
 * and onboarded again). Idempotent: an identity that no longer exists is not reported as
 * unprocessed (UnprocessedIdentityId's ErrorCode is AccessDenied or InternalServerError only).
 * https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_DeleteIdentities.html
 * https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_UnprocessedIdentityId.html
 */
export async function removeIdentity(event: unknown, deps: RemoveIdentityDeps): Promise<{ removed: boolean }> {
  const { identityId } = parseTaskInput(identityTaskInputSchema, event, 'RemoveIdentity expects {identityId}');
  let out;
  try {
    out = await deps.cognitoIdentity.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [identityId] }));
  } catch (error) {
    if (classifyAwsError(error) === 'notFound') return { removed: false };
    throw toUpstreamError('DeleteIdentities', error);
  }
  const unprocessed = out.UnprocessedIdentityIds?.find((u) => u.IdentityId === identityId);
  if (unprocessed?.ErrorCode === 'AccessDenied') {
    throw new UpstreamRejectedError(`DeleteIdentities refused ${identityId}: AccessDenied`);
  }
  if (unprocessed) {
    throw new UpstreamUnavailableError(`DeleteIdentities left ${identityId} unprocessed: ${unprocessed.ErrorCode ?? 'unknown'}`);
  }
  deps.log.info('Developer identity removed', { identityId });
  return { removed: true };
}
