import { LookupDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ListAttachedPoliciesCommand } from '@aws-sdk/client-iot';
import { errorName } from '../../functions/shared/aws/error-name';
import { IDENTITY_ID_ATTRIBUTE, ONBOARDED_ATTRIBUTE } from '../../functions/shared/workflows/onboarding';
import type { Clients, Targets } from '../context';
import { CliError } from '../output';

export interface UserFacts {
  readonly username: string;
  readonly sub: string;
  /** `custom:iot_onboarded` as the pool has it: a version, or offboarding's `off-<epoch>` marker. */
  readonly onboardedVersion?: string;
  readonly identityId?: string;
  /** AdminGetUser's `Enabled`: a disabled user is offboarded (or being offboarded). */
  readonly enabled: boolean;
}

/** The user's sub and onboarding attributes; an unknown user is one clear line. */
export async function userFacts(clients: Clients, targets: Targets, username: string): Promise<UserFacts> {
  const facts = await userFactsIfInPool(clients, targets, username);
  if (!facts) throw new CliError(`No user "${username}" in user pool ${targets.userPoolId}`);
  return facts;
}

/** As {@link userFacts}, but undefined for a user the pool does not have (deleted, or never there). */
export async function userFactsIfInPool(clients: Clients, targets: Targets, username: string): Promise<UserFacts | undefined> {
  let attributes: Map<string, string>;
  let enabled: boolean;
  try {
    const user = await clients.cognitoIdp.send(new AdminGetUserCommand({ UserPoolId: targets.userPoolId, Username: username }));
    attributes = new Map((user.UserAttributes ?? []).map((a) => [a.Name ?? '', a.Value ?? '']));
    enabled = user.Enabled !== false;
  } catch (error) {
    if (errorName(error) === 'UserNotFoundException') return undefined;
    throw error;
  }
  const sub = attributes.get('sub');
  if (!sub) throw new CliError(`User "${username}" has no sub attribute`);
  const onboardedVersion = attributes.get(ONBOARDED_ATTRIBUTE);
  const identityId = attributes.get(IDENTITY_ID_ATTRIBUTE) ?? (await lookupIdentity(clients, targets, sub));
  return { username, sub, enabled, ...(onboardedVersion ? { onboardedVersion } : {}), ...(identityId ? { identityId } : {}) };
}

/** The developer identity of a sub, without creating one (LookupDeveloperIdentity). */
async function lookupIdentity(clients: Clients, targets: Targets, sub: string): Promise<string | undefined> {
  try {
    const out = await clients.cognitoIdentity.send(
      new LookupDeveloperIdentityCommand({ IdentityPoolId: targets.identityPoolId, DeveloperUserIdentifier: sub, MaxResults: 1 }),
    );
    return out.IdentityId;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

export async function attachedPolicyNames(clients: Clients, identityId: string): Promise<string[]> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page = await clients.iot.send(new ListAttachedPoliciesCommand({ target: identityId, marker, pageSize: 100 }));
    names.push(...(page.policies ?? []).map((p) => p.policyName ?? '').filter(Boolean));
    marker = page.nextMarker;
  } while (marker);
  return names;
}
