import type { SFNClient } from '@aws-sdk/client-sfn';
import { errorMessage, errorName } from '../../shared/aws/error-name';
import { ErrorNames } from '../../shared/aws/errors';
import { DeviceErrorNames } from '../../shared/devices/errors';
import { answerTask } from '../../shared/gates/answer';
import { drainBatch, type BatchResponse, type GateBatchDeps, type GateOutcome, type SqsRecord } from '../../shared/gates/batch';
import { parseIdentityMessage, type IdentityMessage } from '../../shared/gates/messages';
import type { Counter } from '../../shared/observability/logging';
import { MetricNames } from '../../shared/observability/metrics';
import { releaseDevicesOf, type ReleaseDevicesDeps } from '../../offboarding/release-devices/core';

export interface DeviceReleaseWorkerDeps extends GateBatchDeps, Omit<ReleaseDevicesDeps, 'log'> {
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly metrics: Counter;
}

/** What retrying in a moment can fix: the gate tries again (a conflict with a concurrent claim included). */
const TRANSIENT = new Set<string>([ErrorNames.UpstreamUnavailable, DeviceErrorNames.ClaimContended]);

/**
 * The device-release gate's consumer (design section 10): offboarding's ReleaseDevices
 * (functions/offboarding/release-devices/core.ts: two ListThings, then each device released) at
 * the gate's pace, so a crowd of users leaving spends IoT's 10 TPS ListThings quota once per list,
 * then the waiting execution is answered with the devices released, or with the step's named
 * error (UpstreamRejected, InvalidInput) when retrying cannot help.
 */
export function deviceReleaseBatch(records: readonly SqsRecord[], deps: DeviceReleaseWorkerDeps): Promise<BatchResponse> {
  return drainBatch(records, parseIdentityMessage, (message) => releaseAndAnswer(message, deps), deps);
}

async function releaseAndAnswer(message: IdentityMessage, deps: DeviceReleaseWorkerDeps): Promise<GateOutcome> {
  let released: { released: string[] };
  try {
    released = await releaseDevicesOf({ identityId: message.identityId }, deps);
  } catch (error) {
    const name = errorName(error);
    if (name === ErrorNames.UpstreamThrottled) {
      deps.metrics.count(MetricNames.GateThrottled);
      return 'throttled';
    }
    if (TRANSIENT.has(name)) return 'transient';
    deps.log.error('ReleaseDevices refused; the execution fails at ReleaseDevices', { identityId: message.identityId, error: name });
    return answerTask(deps.sfn, deps.log, message.taskToken, { error: name, cause: errorMessage(error) });
  }
  return answerTask(deps.sfn, deps.log, message.taskToken, { output: released });
}
