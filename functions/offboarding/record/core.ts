import {
  AdminDeleteUserAttributesCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import * as z from 'zod/mini';
import { classifyAwsError, toUpstreamError } from '../../shared/aws/classify';
import { MetricNames } from '../../shared/observability/metrics';
import { OffboardingReasons, type OffboardingReason } from '../../shared/workflows/offboarding';
import type { Counter, Log } from '../../shared/observability/logging';
import { IDENTITY_ID_ATTRIBUTE, ONBOARDED_ATTRIBUTE, offboardedMarker } from '../../shared/workflows/onboarding';
import { findUserBySub, getUserByName } from '../../shared/identity/pool-users';
import { parseTaskInput } from '../../shared/workflows/task-input';

export interface RecordOffboardingDeps {
  readonly idp: Pick<CognitoIdentityProviderClient, 'send'>;
  readonly userPoolId: string;
  readonly log: Log;
  readonly metrics: Counter;
  readonly now?: () => Date;
}

const inputSchema = z.object({
  sub: z.nullable(z.uuid()),
  /** From ResolveIdentity (null: the user is gone). Absent in executions started before it was passed: the user is then found by sub. */
  username: z.optional(z.nullable(z.string())),
  identityId: z.nullable(z.string()),
  reason: z.enum(Object.values(OffboardingReasons) as [OffboardingReason, ...OffboardingReason[]]),
});

/**
 * Workflow step: if the user still exists (disabled), forget their onboarding, so re-enabling
 * them onboards them again with a new identity; a deleted user has nothing left to record on.
 * Emits `OffboardingCompleted`.
 */
export async function recordOffboarding(event: unknown, deps: RecordOffboardingDeps): Promise<{ attributesCleared: boolean }> {
  const { sub, identityId, reason, username } = parseTaskInput(inputSchema, event, 'RecordResult expects {sub, identityId, username, reason}');
  const user = await currentUser(deps, sub, username);
  // A rerun finds the marker already written and the identity attribute gone: nothing to do.
  const version = user?.attributes.get(ONBOARDED_ATTRIBUTE);
  const onboarded = user !== undefined && ((version !== undefined && !version.startsWith('off-')) || user.attributes.has(IDENTITY_ID_ATTRIBUTE));
  if (user && onboarded) await forgetOnboarding(deps, user.username, user.attributes.has(IDENTITY_ID_ATTRIBUTE));
  deps.metrics.count(MetricNames.OffboardingCompleted);
  deps.log.info('Offboarding completed', { sub, identityId, reason, userExists: user !== undefined, attributesCleared: onboarded });
  return { attributesCleared: onboarded };
}

/** The leaving user as the pool has it now: by name when ResolveIdentity found one (UserRead), none when it found none. */
function currentUser(deps: RecordOffboardingDeps, sub: string | null, username: string | null | undefined) {
  if (!sub || username === null) return Promise.resolve(undefined);
  return username === undefined ? findUserBySub(deps.idp, deps.userPoolId, sub) : getUserByName(deps.idp, deps.userPoolId, username, sub);
}

/**
 * `custom:iot_onboarded` becomes the offboarded marker (so the next onboarding gets a fresh
 * execution name, see onboardingExecutionNameFor) and `custom:identity_id` is deleted (the
 * identity no longer exists). A user deleted meanwhile has nothing left to record on.
 */
async function forgetOnboarding(deps: RecordOffboardingDeps, username: string, hasIdentityAttribute: boolean): Promise<void> {
  const marker = offboardedMarker((deps.now ?? (() => new Date()))());
  try {
    await deps.idp.send(
      new AdminUpdateUserAttributesCommand({ UserPoolId: deps.userPoolId, Username: username, UserAttributes: [{ Name: ONBOARDED_ATTRIBUTE, Value: marker }] }),
    );
    if (hasIdentityAttribute) {
      await deps.idp.send(new AdminDeleteUserAttributesCommand({ UserPoolId: deps.userPoolId, Username: username, UserAttributeNames: [IDENTITY_ID_ATTRIBUTE] }));
    }
  } catch (error) {
    if (classifyAwsError(error) !== 'notFound') throw toUpstreamError('AdminUpdateUserAttributes', error);
  }
}
