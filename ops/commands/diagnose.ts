import { CLIENT_ID_SEPARATOR } from '../../functions/shared/iot-policy/user-policy';
import type { DiagnoseCause } from '../../functions/shared/iot-policy/denial-causes';
import { TestAuthorizationCommand, type ActionType } from '@aws-sdk/client-iot';
import { iotPolicyDocument } from '../../functions/shared/iot-policy/user-policy';
import { evaluatePolicies, iotResourceArn } from '../../functions/shared/iot-policy/engine';
import type { Clients, Targets } from '../context';
import { CliError, ExitCodes, table, type Output } from '../output';
import { attachedPolicyNames, userFacts } from './users';

export type DiagnoseAction = 'connect' | 'publish' | 'subscribe' | 'receive';

export type { DiagnoseCause };

export const DIAGNOSE_ACTIONS: Record<DiagnoseAction, { iot: string; type: ActionType; resource: 'client' | 'topic' | 'topicfilter' }> = {
  connect: { iot: 'iot:Connect', type: 'CONNECT', resource: 'client' },
  publish: { iot: 'iot:Publish', type: 'PUBLISH', resource: 'topic' },
  subscribe: { iot: 'iot:Subscribe', type: 'SUBSCRIBE', resource: 'topicfilter' },
  receive: { iot: 'iot:Receive', type: 'RECEIVE', resource: 'topic' },
};

/**
 * `diagnose`: would IoT allow this user this action, and if not, the first cause. IoT's own
 * TestAuthorization decides the attached-policy side; the role side is the policy template
 * rendered for this deployment (the authenticated role is built from it), evaluated with the
 * same engine the sandbox broker uses.
 */
export async function diagnoseCommand(
  clients: Clients,
  targets: Targets,
  out: Output,
  options: { username: string; action: DiagnoseAction; topic?: string; clientId?: string },
) {
  const spec = DIAGNOSE_ACTIONS[options.action];
  if (spec.resource !== 'client' && !options.topic) {
    throw new CliError(`--topic is required for --action ${options.action}`, ExitCodes.Usage);
  }
  const user = await userFacts(clients, targets, options.username);
  const checks: Array<[string, string]> = [];
  const finish = (cause: DiagnoseCause, explanation: string) => {
    const verdict = { username: options.username, action: options.action, allowed: cause === 'allowed', cause, explanation, checks };
    out.result(verdict, () =>
      `${verdict.allowed ? 'ALLOWED' : 'DENIED'}: ${explanation}\n\n${table(['CHECK', 'RESULT'], checks)}`,
    );
    return verdict;
  };

  if (!user.identityId) {
    return finish('no-identity', `${options.username} has no Cognito identity: they have not been onboarded (sign in once, or npm run admin -- onboard --username ${options.username}).`);
  }
  const identityId = user.identityId;
  checks.push(['identity', identityId]);
  const policies = await attachedPolicyNames(clients, identityId);
  checks.push(['attached IoT policies', policies.join(', ') || '(none)']);
  if (policies.length === 0) {
    return finish('no-policy-attached', `No IoT policy is attached to ${identityId}: IoT refuses Cognito identities without one (AUTHORIZATION_FAILURE). Re-run onboarding.`);
  }
  const clientId = options.clientId ?? identityId;
  // The user policy allows the identity id, bare or followed by "-<suffix>" (one per browser tab).
  if (options.action === 'connect' && clientId !== identityId && !clientId.startsWith(`${identityId}${CLIENT_ID_SEPARATOR}`)) {
    checks.push(['client id', `${clientId} (expected ${identityId} or ${identityId}${CLIENT_ID_SEPARATOR}<suffix>)`]);
    return finish('client-id-mismatch', `The client id must be the identity id ${identityId}, or it followed by "${CLIENT_ID_SEPARATOR}" and a suffix; the policy allows iot:Connect only as client/<identity id> and client/<identity id>${CLIENT_ID_SEPARATOR}*.`);
  }
  const name = spec.resource === 'client' ? clientId : (options.topic as string);
  const resource = iotResourceArn(spec.resource, name, { region: targets.region, account: targets.account });
  checks.push(['resource', resource]);

  const tested = await clients.iot.send(
    new TestAuthorizationCommand({
      principal: identityId,
      cognitoIdentityPoolId: targets.identityPoolId,
      clientId,
      authInfos: [{ actionType: spec.type, resources: [resource] }],
    }),
  );
  const decision = tested.authResults?.[0]?.authDecision ?? 'IMPLICIT_DENY';
  checks.push(['IoT TestAuthorization', decision]);
  if (decision !== 'ALLOWED') {
    return finish(
      'topic-outside-iot-policy',
      `The attached IoT policy (${policies.join(', ')}) does not allow ${spec.iot} on ${name}${decision === 'EXPLICIT_DENY' ? ' (explicit deny)' : ''}.`,
    );
  }

  const role = iotPolicyDocument({ region: targets.region, account: targets.account });
  const roleVerdict = evaluatePolicies([{ name: 'authenticated role', document: role }], spec.iot, resource, { identityId, clientId });
  checks.push(['IAM role (policy template)', roleVerdict.effect === 'allow' ? 'ALLOWED' : roleVerdict.effect === 'deny' ? 'EXPLICIT_DENY' : 'IMPLICIT_DENY']);
  if (roleVerdict.effect !== 'allow') {
    return finish('iam-role-denies', `The IoT policy allows ${spec.iot} on ${name}, but the identity pool's authenticated role does not (dual authorization).`);
  }
  return finish('allowed', `IoT would allow ${options.username} to ${options.action}${spec.resource === 'client' ? ` as ${clientId}` : ` on ${name}`}.`);
}
