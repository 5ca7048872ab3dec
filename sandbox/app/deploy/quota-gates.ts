import { SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionSpec, LambdaRuntime } from '../lambda';
import { startSqsEventSource, type SqsEventSource } from '../lambda/sqs-event-source';
import { onSandboxClock } from '../sdk-clock';
import { FunctionBudgets } from '../../../functions/shared/aws/time-budgets';
import { GATE_NAMES, QUOTA_GATES, type GateName, type QuotaGatesOutput } from '../../../functions/shared/gates/gates';
import { SANDBOX_REGION } from '../../wire/account';
import type { SqsServer } from '../../services/sqs/service';
import { BACKEND_SDK_CONFIG, POLICY_NAME, SANDBOX_STACK } from './names';
import type { OffboardingIds } from './offboarding';

/** One gate's queues, as lib/constructs/quota-gate.ts creates them (figures: functions/shared/gates/gates.ts). */
export interface GateQueues {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
}

export type QuotaGateQueues = Readonly<Record<GateName, GateQueues>>;

/** Every gate's queue and dead-letter queue, with the attributes CDK gives them. */
export function createQuotaGateQueues(sqs: Pick<SqsServer, 'createQueue'>): QuotaGateQueues {
  const create = (name: GateName): GateQueues => {
    const gate = QUOTA_GATES[name];
    const dead = sqs.createQueue(`${SANDBOX_STACK}-${name}-dlq`, {
      MessageRetentionPeriod: String(14 * 86_400),
      VisibilityTimeout: String(6 * FunctionBudgets.gateDeadLetters.timeoutSeconds),
    });
    const queue = sqs.createQueue(`${SANDBOX_STACK}-${name}`, {
      VisibilityTimeout: String(gate.visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(gate.waitTimeoutSeconds * 2),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dead.queueArn, maxReceiveCount: gate.maxReceiveCount }),
    });
    return { queueUrl: queue.queueUrl, queueArn: queue.queueArn, deadLetterQueueUrl: dead.queueUrl, deadLetterQueueArn: dead.queueArn };
  };
  return { attach: create('attach'), detach: create('detach'), 'user-lookup': create('user-lookup'), 'device-release': create('device-release') };
}

/** The `QuotaGates` stack output the sandbox writes: queues and the rate each gate was given. */
export function quotaGatesOutput(queues: QuotaGateQueues, rates: Partial<Record<GateName, number>> = {}): QuotaGatesOutput {
  const one = (name: GateName) => ({ queueUrl: queues[name].queueUrl, deadLetterQueueUrl: queues[name].deadLetterQueueUrl, ratePerSecond: rates[name] ?? QUOTA_GATES[name].ratePerSecond });
  return { attach: one('attach'), detach: one('detach'), 'user-lookup': one('user-lookup'), 'device-release': one('device-release') };
}

/** The sandbox function names of a gate's consumer and its dead-letter consumer. */
export const gateFunctionNames = (name: GateName) => ({ worker: `${name}-gate-worker`, deadLetters: `${name}-gate-dead-letters` });

/** Every gate's two functions with the environment CDK gives them. `rates` overrides a gate's default rate. */
export function quotaGateFunctionSpecs(base: Record<string, string>, ids: OffboardingIds, rates: Partial<Record<GateName, number>> = {}): Record<string, FunctionSpec> {
  const specs: Record<string, FunctionSpec> = {};
  const workerEnvironment: Record<GateName, Record<string, string>> = {
    attach: { IOT_POLICY_NAME: POLICY_NAME },
    detach: { IOT_POLICY_NAME: POLICY_NAME },
    'user-lookup': { IDENTITY_POOL_ID: ids.identityPoolId, USER_POOL_ID: ids.userPoolId, STATE_MACHINE_ARN: ids.stateMachineArn },
    'device-release': { IOT_DATA_ENDPOINT: ids.iotDataPlaneUrl },
  };
  const sources: Record<GateName, FunctionSpec['source']> = {
    attach: 'policy-gate-worker',
    detach: 'policy-gate-worker',
    'user-lookup': 'user-lookup-gate-worker',
    'device-release': 'device-release-gate-worker',
  };
  for (const name of GATE_NAMES) {
    const fn = gateFunctionNames(name);
    const given = rates[name];
    const rate: Record<string, string> = given !== undefined ? { GATE_RATE: String(given) } : {};
    specs[fn.worker] = {
      source: sources[name],
      timeoutSeconds: FunctionBudgets.gateWorker.timeoutSeconds,
      environment: { ...base, ...workerEnvironment[name], GATE_NAME: name, ...rate },
    };
    specs[fn.deadLetters] = { source: 'gate-dead-letters', timeoutSeconds: FunctionBudgets.gateDeadLetters.timeoutSeconds, environment: { ...base, GATE_NAME: name } };
  }
  return specs;
}

/**
 * The event source mappings CDK sets up for every gate: the queue to its worker (batch 10,
 * MaximumConcurrency 2, ReportBatchItemFailures), the dead-letter queue to its consumer. Returns
 * them for closing.
 */
export function startQuotaGates(sqsUrl: string, queues: QuotaGateQueues, lambda: LambdaRuntime, now: () => number, onError: (error: unknown) => void): SqsEventSource[] {
  const sqs = onSandboxClock(new SQSClient({ ...BACKEND_SDK_CONFIG, endpoint: sqsUrl }), now);
  const common = { sqs, region: SANDBOX_REGION, onError };
  return GATE_NAMES.flatMap((name) => {
    const gate = QUOTA_GATES[name];
    const fn = gateFunctionNames(name);
    return [
      startSqsEventSource({
        ...common,
        queueUrl: queues[name].queueUrl,
        queueArn: queues[name].queueArn,
        batchSize: gate.batchSize,
        maxConcurrency: gate.maxConcurrency,
        invoke: (event) => lambda.invoke(fn.worker, event),
      }),
      startSqsEventSource({
        ...common,
        queueUrl: queues[name].deadLetterQueueUrl,
        queueArn: queues[name].deadLetterQueueArn,
        batchSize: 10,
        maxConcurrency: 2,
        invoke: (event) => lambda.invoke(fn.deadLetters, event),
      }),
    ];
  });
}
