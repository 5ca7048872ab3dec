import type { SFNClient } from '@aws-sdk/client-sfn';
import { classifyAwsError } from '../../shared/aws/classify';
import type { IotControlPlane } from '../../shared/aws/iot-control-plane/api';
import { errorName } from '../../shared/aws/error-name';
import { answerTask, failedCall } from '../../shared/gates/answer';
import { drainBatch, type BatchResponse, type GateBatchDeps, type GateOutcome, type SqsRecord } from '../../shared/gates/batch';
import type { Counter } from '../../shared/observability/logging';
import { MetricNames } from '../../shared/observability/metrics';
import { parseIdentityMessage, type IdentityMessage } from '../../shared/gates/messages';

export type PolicyOperation = 'attach' | 'detach';

export interface PolicyWorkerDeps extends GateBatchDeps {
  readonly operation: PolicyOperation;
  /** An SDK `IoT` client or the Lambda's lean one (iot-control-plane). */
  readonly iot: Pick<IotControlPlane, 'attachPolicy' | 'detachPolicy'>;
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly policyName: string;
  /** Counts GateThrottled: throttling that still reaches the gate (another caller spends the quota). */
  readonly metrics?: Counter;
}

/**
 * The attach and detach gates' consumer (design section 10): for each message, AttachPolicy or
 * DetachPolicy (both idempotent) at the gate's pace, then the waiting execution is answered. A
 * refusal that retrying cannot fix (AttachPolicy's LimitExceededException: 10 policies per
 * target; an invalid or unauthorized request) fails the execution at its state with the name the
 * SDK integration reported before the gates (`Iot.<Exception>`), so alarms, `admin failed` and a
 * redrive see what they saw before.
 */
export function policyBatch(records: readonly SqsRecord[], deps: PolicyWorkerDeps): Promise<BatchResponse> {
  const done = new Set<string>();
  return drainBatch(records, parseIdentityMessage, (message) => callAndAnswer(message, done, deps), deps);
}

async function callAndAnswer(message: IdentityMessage, done: Set<string>, deps: PolicyWorkerDeps): Promise<GateOutcome> {
  if (!done.has(message.taskToken)) {
    try {
      const input = { policyName: deps.policyName, target: message.identityId };
      await (deps.operation === 'attach' ? deps.iot.attachPolicy(input) : deps.iot.detachPolicy(input));
      done.add(message.taskToken);
    } catch (error) {
      // AttachPolicy's LimitExceededException (410) is a quota such as 10 policies per target, not
      // the rate: https://docs.aws.amazon.com/iot/latest/apireference/API_AttachPolicy.html
      const kind = errorName(error) === 'LimitExceededException' ? 'invalid' : classifyAwsError(error);
      if (kind === 'throttled') {
        deps.metrics?.count(MetricNames.GateThrottled);
        return 'throttled';
      }
      if (kind === 'unavailable') return 'transient';
      deps.log.error(`${operationName(deps.operation)} refused; the execution fails at that state`, { identityId: message.identityId, error: errorName(error) });
      return answerTask(deps.sfn, deps.log, message.taskToken, failedCall('Iot', error));
    }
  }
  return answerTask(deps.sfn, deps.log, message.taskToken, { output: deps.operation === 'attach' ? { attached: true } : { detached: true } });
}

const operationName = (operation: PolicyOperation) => (operation === 'attach' ? 'AttachPolicy' : 'DetachPolicy');
