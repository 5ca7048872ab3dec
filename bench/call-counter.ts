import type { AedesPublishPacket } from 'aedes';
import type { Sandbox } from '../sandbox';
import { callsBetween, type CallCounts } from './aws-calls';

/**
 * What AWS meters against a quota without an API call of its own, named like the operations so
 * that one `CallCounts` holds them all: MQTT CONNECTs the broker accepted (`iot:Connect`, the IAM
 * action), messages the broker processed (IoT's "inbound publish requests": a shadow update and
 * the accepted, documents and delta messages it causes count as 4, as the AWS IoT Core quotas
 * page counts them), and Step Functions state transitions (the `StateTransition` service metric).
 */
export const METERED = {
  connect: 'iot:Connect',
  inboundPublish: 'iot:InboundPublish',
  stateTransition: 'states:StateTransition',
} as const;

export interface CallCounter {
  /** Every count so far: each emulated API operation (faults included) and the metered ones above. */
  snapshot(): CallCounts;
  /** Counts between two snapshots; `per` divides each (calls per user, per command...). */
  between(before: CallCounts, per?: number): CallCounts;
  stop(): void;
}

/**
 * Not counted as inbound publishes: aedes' own `$SYS` topics (AWS has none) and the lifecycle
 * events AWS IoT publishes itself (`$aws/events/...`), which no client sent.
 */
const brokerOwn = (topic: string) => topic.startsWith('$SYS/') || topic.startsWith('$aws/events/');

/** Starts counting on a bench sandbox; `stop()` removes the broker listeners. */
export function countCalls(sandbox: Sandbox): CallCounter {
  const aedes = sandbox.services.iot.broker.aedes;
  let connects = 0;
  let messages = 0;
  const onClient = () => {
    connects++;
  };
  const onPublish = (packet: AedesPublishPacket) => {
    if (!brokerOwn(packet.topic)) messages++;
  };
  aedes.on('client', onClient);
  aedes.on('publish', onPublish);
  const snapshot = (): CallCounts => ({
    ...Object.fromEntries(Object.entries(sandbox.faults.allStats()).map(([op, s]) => [op, s.calls])),
    [METERED.connect]: connects,
    [METERED.inboundPublish]: messages,
    [METERED.stateTransition]: sandbox.services.sfn.stats.transitions,
  });
  return {
    snapshot,
    between: (before, per = 1) => perUnit(callsBetween(before, snapshot()), per),
    stop() {
      aedes.off('client', onClient);
      aedes.off('publish', onPublish);
    },
  };
}

/** Each count divided by `units` (NaN counts when there were none: no figure, not a zero). */
export function perUnit(calls: CallCounts, units: number): CallCounts {
  return Object.fromEntries(Object.entries(calls).map(([op, n]) => [op, units > 0 ? n / units : Number.NaN]));
}

/** The sum of call counts, operation by operation (a negative count takes calls away; zeros are left out). */
export function addCalls(...counts: readonly CallCounts[]): CallCounts {
  const sum: Record<string, number> = {};
  for (const calls of counts) for (const [op, n] of Object.entries(calls)) sum[op] = (sum[op] ?? 0) + n;
  return Object.fromEntries(Object.entries(sum).filter(([, n]) => n !== 0));
}
