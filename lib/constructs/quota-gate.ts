import { Duration, Stack } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { LambdaName } from '../../functions/handlers';
import { gateRateProblem, type GateEndpoints, type QuotaGate } from '../../functions/shared/gates/gates';
import { FunctionBudgets } from '../../functions/shared/aws/time-budgets';
import { grantWildcard } from '../nag';
import { ProductFunction } from './function';

export interface QuotaGateProps {
  /** The gate's figures (functions/shared/gates/gates.ts). */
  readonly gate: QuotaGate;
  /** Calls per second the gate spends. Default the gate's (below the quota). */
  readonly ratePerSecond?: number;
  /** The consumer's code, what it is for, and its environment beyond GATE_NAME and GATE_RATE. */
  readonly worker: { readonly source: LambdaName; readonly description: string; readonly environment?: Record<string, string> };
}

/**
 * A quota gate (design section 10): the queue a workflow hands its calls to
 * (`sqs:sendMessage.waitForTaskToken`), its dead-letter queue, the consumer that makes the call at
 * the gate's pace and answers each waiting execution, and the dead-letter consumer that fails an
 * execution whose message could not be delivered. Every figure comes from
 * functions/shared/gates/gates.ts. `grantHandOff(stateMachine)` lets a workflow use it; the
 * consumer's own permissions for the call are the caller's to add to `worker`.
 */
export class QuotaGateQueue extends Construct {
  readonly gate: QuotaGate;
  readonly ratePerSecond: number;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly worker: ProductFunction;
  readonly deadLetterConsumer: ProductFunction;

  constructor(scope: Construct, id: string, props: QuotaGateProps) {
    super(scope, id);
    const gate = (this.gate = props.gate);
    const rate = (this.ratePerSecond = props.ratePerSecond ?? gate.ratePerSecond);
    const rateProblem = gateRateProblem(gate, rate);
    if (rateProblem) throw new Error(rateProblem);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Six times its consumer's timeout, as for any SQS event source (see gates.ts).
      visibilityTimeout: Duration.seconds(6 * FunctionBudgets.gateDeadLetters.timeoutSeconds),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(gate.visibilityTimeoutSeconds),
      // Longer than an execution waits for its turn: a message never expires under a waiting execution.
      retentionPeriod: Duration.seconds(gate.waitTimeoutSeconds * 2),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: gate.maxReceiveCount },
    });
    this.worker = new ProductFunction(this, 'Worker', {
      source: props.worker.source,
      timeout: Duration.seconds(FunctionBudgets.gateWorker.timeoutSeconds),
      description: props.worker.description,
      environment: { ...props.worker.environment, GATE_NAME: gate.name, GATE_RATE: String(rate) },
    });
    this.worker.addEventSource(new SqsEventSource(this.queue, { batchSize: gate.batchSize, maxConcurrency: gate.maxConcurrency, reportBatchItemFailures: true }));
    this.deadLetterConsumer = new ProductFunction(this, 'DeadLetterConsumer', {
      source: 'gate-dead-letters',
      timeout: Duration.seconds(FunctionBudgets.gateDeadLetters.timeoutSeconds),
      description: `${gate.name} gate: fails the execution of a dead-lettered message with GateDeadLettered.`,
      environment: { GATE_NAME: gate.name },
    });
    this.deadLetterConsumer.addEventSource(new SqsEventSource(this.deadLetterQueue, { batchSize: 10, reportBatchItemFailures: true }));
    // SendTaskSuccess/Failure/Heartbeat have no resource type: a task token names the task.
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html
    const reason = 'states:SendTaskSuccess and SendTaskFailure support no resource-level permissions; the task token is the authorization';
    grantWildcard(this.worker, this.worker.executionRole, ['states:SendTaskSuccess', 'states:SendTaskFailure'], reason);
    grantWildcard(this.deadLetterConsumer, this.deadLetterConsumer.executionRole, ['states:SendTaskFailure'], reason);
  }

  /** Lets a state machine (or the reconciler) hand messages to the gate. */
  grantHandOff(grantee: IGrantable): void {
    this.queue.grantSendMessages(grantee);
  }
}

/** The `QuotaGates` stack output: every gate's queues and rate, as JSON (GateEndpoints by gate name). */
export function quotaGatesOutput(scope: Construct, gates: readonly QuotaGateQueue[]): string {
  const value: Record<string, GateEndpoints> = {};
  for (const g of gates) value[g.gate.name] = { queueUrl: g.queue.queueUrl, deadLetterQueueUrl: g.deadLetterQueue.queueUrl, ratePerSecond: g.ratePerSecond };
  return Stack.of(scope).toJsonString(value);
}
