import { SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionSpec, LambdaRuntime } from '../lambda';
import { startSqsEventSource, type SqsEventSource } from '../lambda/sqs-event-source';
import { onSandboxClock } from '../sdk-clock';
import { FunctionBudgets } from '../../../functions/shared/aws/time-budgets';
import { AttachGate } from '../../../functions/shared/gates/gates';
import { SANDBOX_REGION } from '../../wire/account';
import type { SqsServer } from '../../services/sqs/service';
import { POLICY_NAME, SANDBOX_STACK } from './names';
import { BACKEND_SDK_CONFIG } from './workflows';

/** The attach gate's queues, as lib/constructs/attach-gate.ts creates them (figures: functions/shared/gates/gates.ts). */
export interface AttachGateQueues {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
}

export const ATTACH_QUEUE_NAME = `${SANDBOX_STACK}-attach`;

export function createAttachGateQueues(sqs: Pick<SqsServer, 'createQueue'>): AttachGateQueues {
  const dead = sqs.createQueue(`${ATTACH_QUEUE_NAME}-dlq`, {
    MessageRetentionPeriod: String(14 * 86_400),
    VisibilityTimeout: String(6 * FunctionBudgets.attachDeadLetters.timeoutSeconds),
  });
  const queue = sqs.createQueue(ATTACH_QUEUE_NAME, {
    VisibilityTimeout: String(AttachGate.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(AttachGate.waitTimeoutSeconds * 2),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dead.queueArn, maxReceiveCount: AttachGate.maxReceiveCount }),
  });
  return { queueUrl: queue.queueUrl, queueArn: queue.queueArn, deadLetterQueueUrl: dead.queueUrl, deadLetterQueueArn: dead.queueArn };
}

/** The gate's two functions with the environment CDK gives them. `rate` is the gate's AttachPolicy rate. */
export function attachGateFunctionSpecs(base: Record<string, string>, rate?: number): Record<string, FunctionSpec> {
  return {
    'attach-worker': {
      source: 'attach-worker',
      timeoutSeconds: FunctionBudgets.attachWorker.timeoutSeconds,
      environment: { ...base, IOT_POLICY_NAME: POLICY_NAME, ...(rate !== undefined ? { GATE_RATE: String(rate) } : {}) },
    },
    'attach-dead-letters': { source: 'attach-dead-letters', timeoutSeconds: FunctionBudgets.attachDeadLetters.timeoutSeconds, environment: { ...base } },
  };
}

/**
 * The event source mappings CDK sets up: the queue to the worker (batch 10, MaximumConcurrency 2,
 * ReportBatchItemFailures), the dead-letter queue to its consumer. Returns them for closing.
 */
export function startAttachGate(sqsUrl: string, queues: AttachGateQueues, lambda: LambdaRuntime, now: () => number, onError: (error: unknown) => void): SqsEventSource[] {
  const sqs = onSandboxClock(new SQSClient({ ...BACKEND_SDK_CONFIG, endpoint: sqsUrl }), now);
  const common = { sqs, region: SANDBOX_REGION, onError };
  return [
    startSqsEventSource({
      ...common,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      batchSize: AttachGate.batchSize,
      maxConcurrency: AttachGate.maxConcurrency,
      invoke: (event) => lambda.invoke('attach-worker', event),
    }),
    startSqsEventSource({
      ...common,
      queueUrl: queues.deadLetterQueueUrl,
      queueArn: queues.deadLetterQueueArn,
      batchSize: 10,
      maxConcurrency: 2,
      invoke: (event) => lambda.invoke('attach-dead-letters', event),
    }),
  ];
}
