import type { Context, SQSEvent } from 'aws-lambda';
import { GATE_RESERVE_MS } from '../aws/time-budgets';
import { createCounter, createLogger, type Counter, type Log } from '../observability/logging';
import { AdaptivePacer } from './adaptive-pacer';
import type { BatchResponse, GateBatchDeps, SqsRecord } from './batch';
import { configuredGateRate, perConsumerRate, type QuotaGate } from './gates';

/** What one invocation of a gate's consumer gets: its pace, its time, its log and its metrics. */
export type GateInvocation = GateBatchDeps & { readonly metrics: Counter };

/**
 * A gate consumer's Lambda handler (SQS event source, ReportBatchItemFailures): the gate's rate
 * from GATE_RATE, one pace per warm instance kept across invocations (each of the gate's concurrent
 * invocations takes its share of the rate: gates.ts), the invocation's remaining time, and the
 * metrics flushed at the end. `drain` is the gate's worker core.
 */
export function gateConsumer(
  gate: QuotaGate,
  rateSetting: string | undefined,
  drain: (records: readonly SqsRecord[], invocation: GateInvocation) => Promise<BatchResponse>,
): { readonly log: Log; readonly handler: (event: SQSEvent, context: Context) => Promise<BatchResponse> } {
  const rate = configuredGateRate(gate, rateSetting);
  const log = createLogger(`${gate.name}-gate`);
  const metrics = createCounter(`${gate.name}-gate`);
  const pacer = new AdaptivePacer({ ceilingPerSecond: perConsumerRate(gate, rate) });
  const handler = async (event: SQSEvent, context: Context) => {
    log.addContext(context);
    try {
      return await drain(event.Records, { pacer, remainingMs: () => context.getRemainingTimeInMillis(), reserveMs: GATE_RESERVE_MS, log, metrics });
    } finally {
      metrics.flush();
    }
  };
  return { log, handler };
}
