import { AttachPolicyCommand, type IoTClient } from '@aws-sdk/client-iot';
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { classifyAwsError } from '../../shared/aws/classify';
import { errorMessage, errorName } from '../../shared/aws/error-name';
import { drainBatch, type BatchResponse, type GateBatchDeps, type GateOutcome, type SqsRecord } from '../../shared/gates/batch';
import type { Counter } from '../../shared/observability/logging';
import { MetricNames } from '../../shared/observability/metrics';
import { identityIdSchema } from '../../shared/workflows/offboarding';

/** The message the onboarding workflow sends through the attach gate (statemachines/onboarding.asl.json, AttachPolicy). */
export const attachMessageSchema = z.object({ taskToken: z.string().check(z.minLength(1)), identityId: identityIdSchema });
export type AttachMessage = z.infer<typeof attachMessageSchema>;

export interface AttachWorkerDeps extends GateBatchDeps {
  readonly iot: Pick<IoTClient, 'send'>;
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly policyName: string;
  /** Counts AttachPolicyThrottled: throttling that still reaches the gate (another caller spends the quota). */
  readonly metrics?: Counter;
}

/**
 * The attach gate's consumer (design section 10): for each message, AttachPolicy (idempotent) at
 * the gate's pace, then the waiting execution is answered. A refusal that retrying cannot fix
 * (LimitExceededException: 10 policies per target; an invalid or unauthorized request) fails the
 * execution at AttachPolicy with the name the SDK integration reported before the gate
 * (`Iot.<Exception>`), so alarms, `admin failed` and a redrive see what they saw before.
 */
export function attachBatch(records: readonly SqsRecord[], deps: AttachWorkerDeps): Promise<BatchResponse> {
  const attached = new Set<string>();
  return drainBatch(records, parseAttachMessage, (message) => attachAndAnswer(message, attached, deps), deps);
}

export function parseAttachMessage(record: SqsRecord): AttachMessage {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new Error('The message body is not JSON; expected {"taskToken": "...", "identityId": "<region>:<guid>"}');
  }
  const parsed = attachMessageSchema.safeParse(body);
  if (!parsed.success) throw new Error(`The message is not {taskToken, identityId}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

async function attachAndAnswer(message: AttachMessage, attached: Set<string>, deps: AttachWorkerDeps): Promise<GateOutcome> {
  if (!attached.has(message.taskToken)) {
    try {
      await deps.iot.send(new AttachPolicyCommand({ policyName: deps.policyName, target: message.identityId }));
      attached.add(message.taskToken);
    } catch (error) {
      // AttachPolicy's LimitExceededException (410) is a quota such as 10 policies per target, not
      // the rate: https://docs.aws.amazon.com/iot/latest/apireference/API_AttachPolicy.html
      const kind = errorName(error) === 'LimitExceededException' ? 'invalid' : classifyAwsError(error);
      if (kind === 'throttled') {
        deps.metrics?.count(MetricNames.AttachPolicyThrottled);
        return 'throttled';
      }
      if (kind === 'unavailable') return 'transient';
      deps.log.error('AttachPolicy refused; the execution fails at AttachPolicy', { identityId: message.identityId, error: errorName(error) });
      return answer(deps, new SendTaskFailureCommand({ taskToken: message.taskToken, error: `Iot.${errorName(error)}`, cause: errorMessage(error).slice(0, 32_000) }));
    }
  }
  return answer(deps, new SendTaskSuccessCommand({ taskToken: message.taskToken, output: JSON.stringify({ attached: true }) }));
}

/**
 * SendTaskSuccess / SendTaskFailure. A token whose task no longer waits (it timed out, the
 * execution was stopped, or this is a redelivered duplicate already answered) is done with:
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 */
async function answer(deps: AttachWorkerDeps, command: SendTaskSuccessCommand | SendTaskFailureCommand): Promise<GateOutcome> {
  try {
    await (command instanceof SendTaskSuccessCommand ? deps.sfn.send(command) : deps.sfn.send(command));
    return 'done';
  } catch (error) {
    const name = errorName(error);
    if (name === 'TaskTimedOut' || name === 'TaskDoesNotExist' || name === 'InvalidToken') {
      deps.log.warn('The execution no longer waits for this answer', { error: name });
      return 'done';
    }
    // Step Functions' own throttling is not the gate's quota: leave the pace alone.
    return 'transient';
  }
}
