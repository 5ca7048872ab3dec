import type { SandboxTimers } from '../wire/timers';

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
 * through `Date` (CLOCK_BOOTSTRAP), so the product's handlers see the same time as the emulators,
 * whose answers carry it in their `Date` header (wire/http.ts).
 * Timers scheduled through `timers` fire in real time or when `advance()` passes their deadline.
 */
export class SandboxClock {
  /** Offset in ms, shared with the Lambda workers (lambda/). */
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

/**
 * The worker-side half: the Lambda execution environment's system clock is the sandbox clock, as
 * a Lambda's clock is AWS's. `Date.now()`, `new Date()` and `Date()` follow the shared offset, so
 * the handlers' SDK clients sign with the time the emulators verify against (SigV4 refuses a
 * request that reaches it more than five minutes from its time stamp, "AWS Signature Version 4
 * for API requests", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-signing.html),
 * and token, credential and trust expiry compare with the same time. Dates built from a value
 * are untouched; instances stay plain Dates (`instanceof Date` holds either way). Timers and
 * `performance.now()` keep real time.
 */
export const CLOCK_BOOTSTRAP = `
if (workerData.clockOffset) {
  const offset = new Float64Array(workerData.clockOffset);
  const RealDate = Date;
  const now = () => RealDate.now() + offset[0];
  function SandboxDate(...args) {
    if (!new.target) return new RealDate(now()).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target);
  }
  Object.setPrototypeOf(SandboxDate, RealDate);
  SandboxDate.prototype = RealDate.prototype;
  SandboxDate.now = now;
  globalThis.Date = SandboxDate;
}
`;
