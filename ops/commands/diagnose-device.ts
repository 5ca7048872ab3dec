import { ListAttachedPoliciesCommand, TestAuthorizationCommand } from '@aws-sdk/client-iot';
import { iotResourceArn } from '../../functions/shared/iot-policy/engine';
import type { Clients, Targets } from '../context';
import { CliError, ExitCodes, table, type Output } from '../output';
import { describeOrFail, certificatesOf } from './devices';
import { DIAGNOSE_ACTIONS, type DiagnoseAction } from './diagnose';

export type DeviceDiagnoseCause = 'allowed' | 'no-certificate' | 'certificate-not-active' | 'no-policy-attached' | 'unclaimed' | 'topic-outside-device-policy';

/**
 * `diagnose --thing T`: would IoT allow this device the action over mutual TLS, and if not, the
 * first cause. IoT's TestAuthorization with the certificate as principal and the thing name as
 * client id decides, with the thing policy variables resolved as for a connection.
 */
export async function diagnoseDeviceCommand(
  clients: Clients,
  targets: Targets,
  out: Output,
  options: { thing: string; action: DiagnoseAction; topic?: string },
) {
  const spec = DIAGNOSE_ACTIONS[options.action];
  if (spec.resource !== 'client' && !options.topic) throw new CliError(`--topic is required for --action ${options.action}`, ExitCodes.Usage);
  const device = await describeOrFail(clients, options.thing);
  const checks: Array<[string, string]> = [['owner', device.owner ?? '(unclaimed)']];
  const finish = (cause: DeviceDiagnoseCause, explanation: string) => {
    const verdict = { thing: options.thing, action: options.action, allowed: cause === 'allowed', cause, explanation, checks };
    out.result(verdict, () => `${verdict.allowed ? 'ALLOWED' : 'DENIED'}: ${explanation}\n\n${table(['CHECK', 'RESULT'], checks)}`);
    return verdict;
  };
  const certificates = await certificatesOf(clients, options.thing);
  checks.push(['certificates', certificates.map((c) => `${c.id.slice(0, 12)}… ${c.status}`).join(', ') || '(none)']);
  if (certificates.length === 0) return finish('no-certificate', `No certificate is attached to ${options.thing}: register it with devices register.`);
  const active = certificates.find((c) => c.status === 'ACTIVE');
  if (!active) return finish('certificate-not-active', `No certificate of ${options.thing} is ACTIVE: IoT refuses the TLS client certificate.`);
  const policies = (await clients.iot.send(new ListAttachedPoliciesCommand({ target: active.arn }))).policies?.map((p) => p.policyName ?? '') ?? [];
  checks.push(['attached IoT policies', policies.join(', ') || '(none)']);
  if (policies.length === 0) return finish('no-policy-attached', `No IoT policy is attached to the certificate; attach ${targets.devicePolicyName}.`);

  const name = spec.resource === 'client' ? options.thing : (options.topic as string);
  const resource = iotResourceArn(spec.resource, name, { region: targets.region, account: targets.account });
  checks.push(['resource', resource]);
  const tested = await clients.iot.send(
    new TestAuthorizationCommand({ principal: active.arn, clientId: options.thing, authInfos: [{ actionType: spec.type, resources: [resource] }] }),
  );
  const decision = tested.authResults?.[0]?.authDecision ?? 'IMPLICIT_DENY';
  checks.push(['IoT TestAuthorization', decision]);
  if (decision === 'ALLOWED') return finish('allowed', `IoT would allow ${options.thing} to ${options.action}${spec.resource === 'client' ? '' : ` on ${name}`}.`);
  if (device.owner === undefined && name.includes(`/shadow/name/${options.thing}/`)) {
    return finish('unclaimed', `${options.thing} has no owner, so its twin does not resolve (fail closed). A user must claim it first.`);
  }
  return finish('topic-outside-device-policy', `The device policy allows only ${options.thing}'s own shadow and its twin in its owner's namespace, not ${name}.`);
}
