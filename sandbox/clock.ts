import type { SandboxTimers } from './iot/custom-auth';

interface PendingTimer {
  readonly at: number;
  readonly fn: () => void;
  cancelReal: () => void;
  done: boolean;
}

/**
 * The sandbox's clock: real time plus an offset that tests move forward with `advance()`, so
 * expiries (tokens, credentials, trust decisions, session deadlines) pass without waiting. The
 * offset lives in shared memory and the Lambda execution environments (worker threads) read it
 * through `Date.now`, so the product's handlers see the same time as the emulators.
 * Timers scheduled through `timers` fire in real time or when `advance()` passes their deadline.
 */
export class SandboxClock {
  /** Offset in ms, shared with the Lambda workers (sandbox/lambda/). */
  readonly sharedOffset = new SharedArrayBuffer(8);
  private readonly offset = new Float64Array(this.sharedOffset);
  private readonly pending = new Set<PendingTimer>();

  readonly now = (): number => Date.now() + (this.offset[0] ?? 0);

  /**
   * Moves the clock and runs every timer whose deadline it passes. A negative `ms` moves it back
   * (a test restoring the time for the tests after it); no timer fires then.
   */
  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new Error(`SandboxClock.advance takes a finite duration in ms, got ${ms}`);
    this.offset[0] = (this.offset[0] ?? 0) + ms;
    const due = [...this.pending].filter((t) => t.at <= this.now()).sort((a, b) => a.at - b.at);
    for (const timer of due) this.fire(timer);
  }

  readonly timers: SandboxTimers = {
    setTimeout: (fn, delayMs) => {
      const timer: PendingTimer = { at: this.now() + delayMs, fn, cancelReal: () => undefined, done: false };
      const handle = setTimeout(() => this.fire(timer), delayMs);
      handle.unref();
      timer.cancelReal = () => clearTimeout(handle);
      this.pending.add(timer);
      return () => {
        timer.done = true;
        timer.cancelReal();
        this.pending.delete(timer);
      };
    },
  };

  private fire(timer: PendingTimer) {
    if (timer.done) return;
    timer.done = true;
    timer.cancelReal();
    this.pending.delete(timer);
    timer.fn();
  }
}

/** The worker-side half: makes `Date.now` follow the sandbox clock's shared offset. */
export const CLOCK_BOOTSTRAP = `
if (workerData.clockOffset) {
  const offset = new Float64Array(workerData.clockOffset);
  const realNow = Date.now;
  Date.now = () => realNow() + offset[0];
}
`;
