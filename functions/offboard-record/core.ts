import { AdminDeleteUserAttributesCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import * as z from 'zod/mini';
import { classifyAwsError, toUpstreamError } from '../shared/aws-errors';
import { InvalidInputError } from '../shared/errors';
import { OffboardingMetrics } from '../shared/metrics';
import { OffboardingReasons, type OffboardingReason } from '../shared/offboarding';
import type { Counter, Log } from '../shared/observability';
import { IDENTITY_ID_ATTRIBUTE, ONBOARDED_ATTRIBUTE } from '../shared/onboarding';
import { findUserBySub } from '../shared/users';

export interface RecordOffboardingDeps {
  readonly idp: Pick<CognitoIdentityProviderClient, 'send'>;
  readonly userPoolId: string;
  readonly log: Log;
  readonly metrics: Counter;
}

const inputSchema = z.object({
  sub: z.nullable(z.uuid()),
  identityId: z.nullable(z.string()),
  reason: z.enum(Object.values(OffboardingReasons) as [OffboardingReason, ...OffboardingReason[]]),
});

/**
 * Workflow step: if the user still exists (disabled), forget their onboarding
 * (`custom:iot_onboarded`, `custom:identity_id`), so re-enabling them onboards them again with a
 * new identity; a deleted user has nothing left to record on. Emits `OffboardingCompleted`.
 */
export async function recordOffboarding(event: unknown, deps: RecordOffboardingDeps): Promise<{ attributesCleared: boolean }> {
  const parsed = inputSchema.safeParse(event);
  if (!parsed.success) throw new InvalidInputError(`RecordResult expects {sub, identityId, reason}: ${parsed.error.issues[0]?.message}`);
  const { sub, identityId, reason } = parsed.data;
  const user = sub ? await findUserBySub(deps.idp, deps.userPoolId, sub) : undefined;
  const stale = user ? [ONBOARDED_ATTRIBUTE, IDENTITY_ID_ATTRIBUTE].filter((name) => user.attributes.has(name)) : [];
  if (user && stale.length > 0) {
    try {
      await deps.idp.send(
        new AdminDeleteUserAttributesCommand({ UserPoolId: deps.userPoolId, Username: user.username, UserAttributeNames: stale }),
      );
    } catch (error) {
      // Deleted between the lookup and now: nothing left to record on.
      if (classifyAwsError(error) !== 'notFound') throw toUpstreamError('AdminDeleteUserAttributes', error);
    }
  }
  deps.metrics.count(OffboardingMetrics.Completed);
  deps.log.info('Offboarding completed', { sub, identityId, reason, userExists: user !== undefined, attributesCleared: stale });
  return { attributesCleared: stale.length > 0 };
}
