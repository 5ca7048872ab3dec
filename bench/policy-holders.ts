import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { IoTClient, ListTargetsForPolicyCommand } from '@aws-sdk/client-iot';
import type { Sandbox } from '../sandbox';
import { BACKEND_SDK_CONFIG } from '../sandbox/app/deploy/names';

/**
 * The usernames among `usernames` whose identity holds the sandbox's user policy afterwards, read
 * from the services' own state, never from what a trigger or a workflow reported: the user pool
 * (ListUsers: username → sub), the identity pool (sub → identity id) and IoT (ListTargetsForPolicy).
 */
export async function usersHoldingPolicy(sandbox: Sandbox, usernames: readonly string[]): Promise<Set<string>> {
  const [subs, targets] = await Promise.all([subsOf(sandbox, new Set(usernames)), policyTargets(sandbox)]);
  const holders = new Set<string>();
  for (const identity of sandbox.services.identity.identities()) {
    if (identity.identityPoolId !== sandbox.identityPoolId || !targets.has(identity.identityId)) continue;
    for (const sub of identity.developerUserIdentifiers) holders.add(sub);
  }
  return new Set(usernames.filter((username) => holders.has(subs.get(username) ?? '')));
}

async function subsOf(sandbox: Sandbox, wanted: ReadonlySet<string>): Promise<Map<string, string>> {
  const idp = new CognitoIdentityProviderClient({ ...BACKEND_SDK_CONFIG, endpoint: sandbox.endpoints.cognitoIdp });
  const subs = new Map<string, string>();
  try {
    let token: string | undefined;
    do {
      const page = await idp.send(new ListUsersCommand({ UserPoolId: sandbox.userPool.userPoolId, Limit: 60, PaginationToken: token }));
      for (const user of page.Users ?? []) {
        const sub = user.Attributes?.find((a) => a.Name === 'sub')?.Value;
        if (user.Username && sub && wanted.has(user.Username)) subs.set(user.Username, sub);
      }
      token = page.PaginationToken;
    } while (token);
  } finally {
    idp.destroy();
  }
  return subs;
}

async function policyTargets(sandbox: Sandbox): Promise<Set<string>> {
  const iot = new IoTClient({ ...BACKEND_SDK_CONFIG, endpoint: sandbox.endpoints.iotControlPlane });
  const targets = new Set<string>();
  try {
    let marker: string | undefined;
    do {
      const page = await iot.send(new ListTargetsForPolicyCommand({ policyName: sandbox.policyName, pageSize: 250, marker }));
      for (const target of page.targets ?? []) targets.add(target);
      marker = page.nextMarker;
    } while (marker);
  } finally {
    iot.destroy();
  }
  return targets;
}
