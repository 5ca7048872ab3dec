import type { SandboxTimers } from '../../../wire/timers';
import type { Queue } from '../queue';
import type { QueueStore } from '../queue-store';

/** What the operations share: the account's queues, the sandbox clock and its timers. */
export interface SqsContext {
  readonly queues: QueueStore;
  readonly now: () => number;
  readonly timers: SandboxTimers;
  /** A ReceiveMessage on `queue` started waiting for messages (long polling). */
  readonly onPollWaiting: (queue: Queue) => void;
}

/** One authenticated call. */
export interface SqsCall {
  /** Who sent it: the `SenderId` of the messages it sends. */
  readonly callerId: string;
  /** Aborted when the caller hangs up (a waiting receive then takes nothing). */
  readonly signal: AbortSignal;
}

/** An operation: the request as JSON 1.0 members, the answer likewise (the query front translates both). */
export type SqsOperation = (input: unknown, call: SqsCall) => Promise<object> | object;
