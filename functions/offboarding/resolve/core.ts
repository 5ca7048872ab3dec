import type { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IdentityMismatchError } from '../../shared/aws/errors';
import { developerUsersOf, lookupIdentityBySub } from '../../shared/identity/developer-identity';
import { offboardingInputSchema } from '../../shared/workflows/offboarding';
import type { Log } from '../../shared/observability/logging';
import { findUserBySub } from '../../shared/identity/pool-users';
import { parseTaskInput } from '../../shared/workflows/task-input';

export interface ResolveOffboardingDeps {
  readonly cognitoIdentity: Pick<CognitoIdentityClient, 'send'>;
  readonly idp: Pick<CognitoIdentityProviderClient, 'send'>;
  readonly identityPoolId: string;
  readonly userPoolId: string;
  readonly log: Log;
}

export type UserState = 'absent' | 'disabled' | 'enabled' | 'unknown';

/** What the rest of the workflow acts on. Nulls, not missing keys: JSONPath on a missing key fails. */
export interface ResolvedOffboarding {
  readonly sub: string | null;
  readonly identityId: string | null;
  readonly userState: UserState;
  /** The user's name in the pool while the user exists: RecordResult reads the user by it (UserRead, not ListUsers). */
  readonly username: string | null;
  /** False when the user exists and is enabled: a stale event or a mistaken start changes nothing. */
  readonly proceed: boolean;
}

/**
 * Workflow step ResolveIdentity, run by the user-lookup gate's consumer (functions/gates/user-lookup-worker):
 * who is leaving. The identity is found by `sub` alone (LookupDeveloperIdentity,
 * which never creates or links); an identity id from the input is used only when no identity is
 * linked to the `sub` any more (a rerun) and it is linked to no other `sub`.
 */
export async function resolveOffboarding(event: unknown, deps: ResolveOffboardingDeps): Promise<ResolvedOffboarding> {
  const input = parseTaskInput(offboardingInputSchema, event, 'ResolveIdentity expects {sub?, identityId?, reason}');
  const { sub, identityId } = input.sub ? await bySub(deps, input.sub, input.identityId) : await byIdentity(deps, input.identityId ?? '');
  const user = sub ? await findUserBySub(deps.idp, deps.userPoolId, sub) : undefined;
  const userState: UserState = !sub ? 'unknown' : !user ? 'absent' : user.enabled ? 'enabled' : 'disabled';
  const proceed = userState !== 'enabled';
  if (!proceed) deps.log.warn('User exists and is enabled; nothing is offboarded', { sub, reason: input.reason });
  return { sub: sub ?? null, identityId: identityId ?? null, userState, username: user?.username ?? null, proceed };
}

async function bySub(deps: ResolveOffboardingDeps, sub: string, given: string | undefined) {
  const linked = await lookupIdentityBySub(deps.cognitoIdentity, deps.identityPoolId, sub);
  if (linked && given && linked !== given) {
    throw new IdentityMismatchError(`Identity ${given} is not the identity of sub ${sub}`);
  }
  if (linked || !given) return { sub, identityId: linked };
  const owners = await developerUsersOf(deps.cognitoIdentity, deps.identityPoolId, given);
  if (owners?.some((owner) => owner !== sub)) {
    throw new IdentityMismatchError(`Identity ${given} is linked to another user`);
  }
  return { sub, identityId: given };
}

async function byIdentity(deps: ResolveOffboardingDeps, identityId: string) {
  const owners = (await developerUsersOf(deps.cognitoIdentity, deps.identityPoolId, identityId)) ?? [];
  if (owners.length > 1) throw new IdentityMismatchError(`Identity ${identityId} links ${owners.length} users; the product links one`);
  return { sub: owners[0], identityId };
}
