import type { DiagnoseCause } from '../../../functions/shared/iot-policy/denial-causes';
import type { AuthorizationDecision, AuthorizationReason, IotAction } from './authorization';

/**
 * One log line per authorization refusal, the sandbox's answer to AWS IoT's
 * `AUTHORIZATION_FAILURE` log entry (AWSIotLogsV2, "Authorization failure" events:
 * https://docs.aws.amazon.com/iot/latest/developerguide/cwl-format.html). Causes carry the names
 * `npm run admin -- diagnose` gives them, so a log line and a diagnosis agree; the two causes
 * diagnose cannot see (a refused certificate, a refusing custom authorizer) keep the engine's names.
 */
export type RefusalCause = DiagnoseCause | 'custom-auth-refused' | 'certificate-refused';

const CAUSES: Record<AuthorizationReason, RefusalCause> = {
  allowed: 'allowed',
  'no-identity': 'no-identity',
  'custom-auth-refused': 'custom-auth-refused',
  'certificate-refused': 'certificate-refused',
  'no-policy-attached': 'no-policy-attached',
  'client-id-mismatch': 'client-id-mismatch',
  'iot-policy-denies': 'topic-outside-iot-policy',
  'iot-policy-explicit-deny': 'topic-outside-iot-policy',
  'role-denies': 'iam-role-denies',
  'role-explicit-deny': 'iam-role-denies',
  'role-unknown': 'iam-role-denies',
};

/** The refusal classes: a WebSocket upgrade, then the MQTT actions (`iot:Publish` → `publish`). */
export type RefusalClass = 'upgrade' | 'connect' | 'publish' | 'subscribe' | 'receive' | 'data-plane';

function classOf(action: IotAction | undefined): RefusalClass {
  switch (action) {
    case 'iot:Connect':
      return 'connect';
    case 'iot:Publish':
    case 'iot:RetainPublish':
      return 'publish';
    case 'iot:Subscribe':
      return 'subscribe';
    case 'iot:Receive':
      return 'receive';
    default:
      return 'data-plane';
  }
}

const line = (kind: RefusalClass, clientId: string | undefined, cause: RefusalCause, detail: string) =>
  `AUTHORIZATION_FAILURE ${kind}${clientId !== undefined ? ` clientId=${clientId}` : ''} cause=${cause}: ${detail}`;

/** A denial the broker or the data plane reported (IotCoreOptions.onDenied). */
export function deniedLine(event: { clientId?: string; action?: IotAction; decision: AuthorizationDecision }): string {
  return line(classOf(event.action), event.clientId, CAUSES[event.decision.reason], event.decision.detail);
}

/**
 * A refused WebSocket upgrade (IotCoreOptions.onUpgradeRefused): a signature that does not verify
 * leaves the connection without an identity, which diagnose calls `no-identity`. Only the path is
 * logged: the query holds the caller's credential, security token and signature.
 */
export function upgradeRefusedLine(event: { url: string; error: Error }): string {
  const path = event.url.split('?')[0] ?? '/';
  return line('upgrade', undefined, 'no-identity', `${path}: ${event.error.name}: ${event.error.message}`);
}

/** Both hooks of IotCoreOptions, writing one line per refusal to `write`. */
export function refusalLogger(write: (line: string) => void) {
  return {
    onDenied: (event: Parameters<typeof deniedLine>[0]) => write(deniedLine(event)),
    onUpgradeRefused: (event: Parameters<typeof upgradeRefusedLine>[0]) => write(upgradeRefusedLine(event)),
  };
}
