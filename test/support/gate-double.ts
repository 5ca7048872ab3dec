import type { IotControlPlane } from '../../functions/shared/aws/iot-control-plane/api';
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { failDeadLetters } from '../../functions/gates/dead-letters/core';
import { policyBatch, type PolicyOperation } from '../../functions/gates/policy-worker/core';
import { GATE_RESERVE_MS } from '../../functions/shared/aws/time-budgets';
import { AdaptivePacer } from '../../functions/shared/gates/adaptive-pacer';
import type { BatchResponse, GateBatchDeps, SqsRecord } from '../../functions/shared/gates/batch';
import { AttachGate, DetachGate, perConsumerRate, type QuotaGate } from '../../functions/shared/gates/gates';
import { silentLog } from '../../functions/shared/observability/logging';
import type { TaskTokens } from '../../sandbox/services/stepfunctions/task-tokens';

/** A message a workflow's gate state sent (as the SQS queue double received it). */
export interface GateMessage {
  readonly QueueUrl?: string;
  readonly MessageBody: string;
}

/** How a message ended: answered by the worker, or failed by the dead-letter consumer after every delivery. */
export type GateEnd = 'answered' | 'dead-lettered';

export interface GateDoubleOptions {
  readonly gate: QuotaGate;
  /** Answers the waiting execution (dead letters): an SFN client pointed at the service, or `answerTaskTokens`. */
  readonly sfn: Pick<SFNClient, 'send'>;
  /** The gate's real worker core, given one invocation's pacing and time. */
  readonly batch: (records: readonly SqsRecord[], invocation: GateBatchDeps) => Promise<BatchResponse>;
}

/**
 * Plays a quota gate for tests that run the real ASL: the gate's real worker core and the real
 * dead-letter core, invoked with a message the workflow sent, as the event source mappings invoke
 * the gate's functions. Pacing waits pass at once on the gate's own virtual time (as in the
 * worker's unit tests); an invocation has the worker's timeout in that time, so a batch ends the
 * way it would in Lambda.
 */
export function gateDouble(options: GateDoubleOptions) {
  const { gate: figures } = options;
  let virtualMs = 0;
  // One pace for the gate's life, like a warm worker instance's.
  const pacer = new AdaptivePacer({
    ceilingPerSecond: perConsumerRate(figures),
    now: () => virtualMs,
    sleep: async (ms) => {
      virtualMs += ms;
    },
  });
  const ids = new WeakMap<GateMessage, string>();
  let sequence = 0;
  const record = (message: GateMessage, receiveCount: number): SqsRecord => {
    const messageId = ids.get(message) ?? `gate-message-${++sequence}`;
    ids.set(message, messageId);
    return { messageId, body: message.MessageBody, attributes: { ApproximateReceiveCount: String(receiveCount) } };
  };
  const invocation = (): GateBatchDeps => {
    const startedAt = virtualMs;
    return { pacer, remainingMs: () => figures.timeoutSeconds * 1000 - (virtualMs - startedAt), reserveMs: GATE_RESERVE_MS, log: silentLog };
  };
  const deliveries: Array<{ readonly receiveCount: number; readonly response: BatchResponse }> = [];

  const gate = {
    /** Every worker invocation so far, with the receive count it saw and what it answered. */
    deliveries,
    /** One invocation of the worker with this message; what it answers (a batch item failure is delivered again). */
    async deliver(message: GateMessage, receiveCount = 1): Promise<BatchResponse> {
      const response = await options.batch([record(message, receiveCount)], invocation());
      deliveries.push({ receiveCount, response });
      return response;
    },
    /** One invocation of the dead-letter consumer with this message (it was received maxReceiveCount times). */
    deadLetter(message: GateMessage): Promise<BatchResponse> {
      return failDeadLetters([record(message, figures.maxReceiveCount)], { sfn: options.sfn, log: silentLog, gate: figures });
    },
    /**
     * The message through the gate as its queue's redrive policy takes it: delivered to the
     * worker again while the worker leaves it for redelivery, maxReceiveCount times at most, then
     * to the dead-letter consumer.
     */
    async consume(message: GateMessage): Promise<GateEnd> {
      for (let receiveCount = 1; receiveCount <= figures.maxReceiveCount; receiveCount++) {
        const { batchItemFailures } = await gate.deliver(message, receiveCount);
        if (batchItemFailures.length === 0) return 'answered';
      }
      await gate.deadLetter(message);
      return 'dead-lettered';
    },
    /** Consumes every message `queue` gives (see serveGates). */
    serve(queue: MessageSource) {
      return serveGates(queue, () => gate);
    },
  };
  return gate;
}

export type GateDouble = ReturnType<typeof gateDouble>;

interface MessageSource {
  nextMessage(signal?: AbortSignal): Promise<GateMessage>;
}

/**
 * Consumes every message `queue` gives, in order, each by the gate `route` picks (by its
 * QueueUrl), until `stop()`, which leaves the messages after it to the queue's next reader. An
 * error escaping the cores (they answer rather than throw) is kept in `errors` for the test.
 */
export function serveGates(queue: MessageSource, route: (message: GateMessage) => GateDouble) {
  const stopping = new AbortController();
  const errors: unknown[] = [];
  void (async () => {
    while (!stopping.signal.aborted) {
      let message: GateMessage;
      try {
        message = await queue.nextMessage(stopping.signal);
      } catch (error) {
        if (!stopping.signal.aborted) errors.push(error);
        return;
      }
      try {
        await route(message).consume(message);
      } catch (error) {
        errors.push(error);
      }
    }
  })();
  return { errors, stop: () => stopping.abort() };
}

export interface PolicyGateDoubleOptions {
  /** AttachPolicy's or DetachPolicy's client (mocked in these tests). */
  readonly iot: Pick<IotControlPlane, 'attachPolicy' | 'detachPolicy'>;
  /** Answers the waiting execution: an SFN client pointed at the service, or `answerTaskTokens`. */
  readonly sfn: Pick<SFNClient, 'send'>;
  /** The IoT policy the gate attaches or detaches (the worker's IOT_POLICY_NAME). */
  readonly policyName: string;
}

/** The attach or the detach gate, played by the real policy worker core. */
export function policyGateDouble(operation: PolicyOperation, options: PolicyGateDoubleOptions) {
  return gateDouble({
    gate: operation === 'attach' ? AttachGate : DetachGate,
    sfn: options.sfn,
    batch: (records, invocation) => policyBatch(records, { ...invocation, operation, iot: options.iot, sfn: options.sfn, policyName: options.policyName }),
  });
}

/** The attach gate (onboarding's AttachPolicy). */
export const attachGateDouble = (options: PolicyGateDoubleOptions) => policyGateDouble('attach', options);
export type AttachGateDouble = GateDouble;

/**
 * An SFN client stand-in for runs without the service (`runDefinition` with `callbacks`):
 * SendTaskSuccess and SendTaskFailure answer the run's task tokens directly, with the errors the
 * service answers (InvalidToken, TaskTimedOut).
 */
export function answerTaskTokens(tokens: TaskTokens): Pick<SFNClient, 'send'> {
  const send = async (command: unknown) => {
    if (command instanceof SendTaskSuccessCommand) {
      tokens.succeed(command.input.taskToken ?? '', command.input.output ?? '');
      return { $metadata: {} };
    }
    if (command instanceof SendTaskFailureCommand) {
      tokens.fail(command.input.taskToken ?? '', command.input.error, command.input.cause);
      return { $metadata: {} };
    }
    throw new Error(`answerTaskTokens: only SendTaskSuccess and SendTaskFailure, got ${(command as object).constructor.name}`);
  };
  return { send } as Pick<SFNClient, 'send'>;
}
