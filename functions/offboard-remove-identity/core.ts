import { DeleteIdentitiesCommand, type CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import * as z from 'zod/mini';
import { classifyAwsError, toUpstreamError } from '../shared/aws-errors';
import { InvalidInputError, UpstreamRejectedError, UpstreamUnavailableError } from '../shared/errors';
import { IDENTITY_ID_PATTERN } from '../shared/offboarding';
import type { Log } from '../shared/observability';

export interface RemoveIdentityDeps {
  readonly cognitoIdentity: Pick<CognitoIdentityClient, 'send'>;
  readonly log: Log;
}

const inputSchema = z.object({ identityId: z.string().check(z.regex(IDENTITY_ID_PATTERN, 'expected an Identity ID (region:guid)')) });

/**
 * Workflow step: the developer identity is gone. DeleteIdentities removes the identity with its
 * developer login, so the `sub` resolves to nothing (and to a new identity if the user is enabled
 * and onboarded again). Idempotent: an identity that no longer exists is not reported as
 * unprocessed (UnprocessedIdentityId's ErrorCode is AccessDenied or InternalServerError only).
 * https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_DeleteIdentities.html
 * https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_UnprocessedIdentityId.html
 */
export async function removeIdentity(event: unknown, deps: RemoveIdentityDeps): Promise<{ removed: boolean }> {
  const parsed = inputSchema.safeParse(event);
  if (!parsed.success) throw new InvalidInputError(`RemoveIdentity expects {identityId}: ${parsed.error.issues[0]?.message}`);
  const { identityId } = parsed.data;
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
