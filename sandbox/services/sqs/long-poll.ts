import type { SandboxTimers } from '../../wire/timers';
import type { Queue } from './queue';

export interface LongPoll<T> {
  readonly queue: Queue;
  /** WaitTimeSeconds in ms; 0 is a short poll. */
  readonly waitMs: number;
  readonly now: () => number;
  /** The sandbox clock's timers (or Node's): a wait ends when its deadline passes on either. */
  readonly timers: SandboxTimers;
  /** Aborted when the caller goes away: nothing is received for it after that. */
  readonly signal: AbortSignal;
  /** Each time the poll starts waiting (tests await it instead of sleeping). */
  readonly onWaiting: () => void;
  /** Receives what is receivable now (and marks it received). */
  readonly take: () => T[];
}

/**
 * Long polling: "If a message is available, the call returns sooner than WaitTimeSeconds. If no
 * messages are available and the wait time expires, the call does not return a message list"
 * (ReceiveMessage API, https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html;
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html).
 * Tries again whenever the queue says a message may be receivable (a send, a visibility set to
 * 0) and when the next hidden message's visibility ends, both on the sandbox clock: advancing it
 * ends waits and visibility timeouts alike.
 */
export async function longPoll<T>(poll: LongPoll<T>): Promise<T[]> {
  const deadline = poll.now() + poll.waitMs;
  for (;;) {
    const over = () => poll.queue.deleted || poll.signal.aborted;
    const taken = over() ? [] : poll.take();
    const now = poll.now();
    if (taken.length > 0 || now >= deadline || over()) return taken;
    await nextChance(poll, Math.min(deadline, poll.queue.nextVisibleAt(now) ?? deadline) - now);
  }
}

function nextChance(poll: LongPoll<unknown>, delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const cleanups: Array<() => void> = [];
    const wake = () => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      resolve();
    };
    cleanups.push(poll.timers.setTimeout(wake, delayMs), poll.queue.onChange(wake));
    poll.signal.addEventListener('abort', wake, { once: true });
    cleanups.push(() => poll.signal.removeEventListener('abort', wake));
    poll.onWaiting();
  });
}
