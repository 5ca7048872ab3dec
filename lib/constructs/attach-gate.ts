import { Duration } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AttachGate as Gate, gateRateProblem } from '../../functions/shared/gates/gates';
import { FunctionBudgets } from '../../functions/shared/aws/time-budgets';
import { grantWildcard } from '../nag';
import { ProductFunction } from './function';

export interface AttachGateProps {
  /** The user policy the gate attaches, and its ARN. */
  readonly policyName: string;
  readonly policyArn: string;
  /** AttachPolicy calls per second the gate spends. Default 12, below the 15 TPS quota. */
  readonly ratePerSecond?: number;
}

/**
 * The attach gate (design section 10): the queue the onboarding workflow hands identities to
 * (`sqs:sendMessage.waitForTaskToken`), its dead-letter queue, the consumer that attaches the
 * policy at the gate's pace and answers each waiting execution, and the dead-letter consumer that
 * fails an execution whose message could not be delivered. Every figure comes from
 * functions/shared/gates/gates.ts. `grantHandOff(stateMachine)` lets a workflow use it.
 */
export class AttachGate extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly worker: ProductFunction;
  readonly deadLetterConsumer: ProductFunction;

  constructor(scope: Construct, id: string, props: AttachGateProps) {
    super(scope, id);
    const rate = props.ratePerSecond ?? Gate.ratePerSecond;
    const rateProblem = gateRateProblem(Gate, rate);
    if (rateProblem) throw new Error(rateProblem);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Six times its consumer's timeout, as for any SQS event source (see gates.ts).
      visibilityTimeout: Duration.seconds(6 * FunctionBudgets.attachDeadLetters.timeoutSeconds),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(Gate.visibilityTimeoutSeconds),
      // Longer than an execution waits for its turn: a message never expires under a waiting execution.
      retentionPeriod: Duration.seconds(Gate.waitTimeoutSeconds * 2),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: Gate.maxReceiveCount },
    });
    this.worker = new ProductFunction(this, 'Worker', {
      source: 'attach-worker',
      timeout: Duration.seconds(FunctionBudgets.attachWorker.timeoutSeconds),
      description: "Attach gate: AttachPolicy at the gate's pace, then answers the waiting onboarding execution.",
      environment: { IOT_POLICY_NAME: props.policyName, GATE_RATE: String(rate) },
    });
    this.worker.addEventSource(
      new SqsEventSource(this.queue, { batchSize: Gate.batchSize, maxConcurrency: Gate.maxConcurrency, reportBatchItemFailures: true }),
    );
    this.worker.addToRolePolicy(new PolicyStatement({ actions: ['iot:AttachPolicy'], resources: [props.policyArn] }));
    this.deadLetterConsumer = new ProductFunction(this, 'DeadLetterConsumer', {
      source: 'attach-dead-letters',
      timeout: Duration.seconds(FunctionBudgets.attachDeadLetters.timeoutSeconds),
      description: 'Attach gate: fails the onboarding execution of a dead-lettered message with GateDeadLettered.',
    });
    this.deadLetterConsumer.addEventSource(new SqsEventSource(this.deadLetterQueue, { batchSize: 10, reportBatchItemFailures: true }));
    // SendTaskSuccess/Failure/Heartbeat have no resource type: a task token names the task.
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html
    const reason = 'states:SendTaskSuccess and SendTaskFailure support no resource-level permissions; the task token is the authorization';
    grantWildcard(this.worker, this.worker.executionRole, ['states:SendTaskSuccess', 'states:SendTaskFailure'], reason);
    grantWildcard(this.deadLetterConsumer, this.deadLetterConsumer.executionRole, ['states:SendTaskFailure'], reason);
  }

  /** Lets a state machine hand messages to the gate. */
  grantHandOff(grantee: IGrantable): void {
    this.queue.grantSendMessages(grantee);
  }
}
