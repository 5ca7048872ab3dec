import type { SandboxTimers } from '../../wire/timers';

/** The longest delay a Node.js timer can wait (2^31-1 ms); a longer one fires after 1 ms. */
const LONGEST_TIMER_MS = 0x7fffffff;

/**
 * Runs `fn` once the clock reads `at` (ms) or later. The timer re-reads the clock when it fires
 * and waits again if the deadline has not come, so it holds for deadlines beyond a Node timer's
 * range (a callback task may wait up to a year) and follows a sandbox clock moved by `advance()`
 * (whose timers fire when the clock passes them). Returns a function that cancels it.
 */
export function armDeadline(timers: SandboxTimers, now: () => number, at: number, fn: () => void): () => void {
  let cancel: () => void = () => undefined;
  let done = false;
  const check = (): void => {
    if (done) return;
    const remaining = at - now();
    if (remaining <= 0) {
      done = true;
      fn();
      return;
    }
    cancel = timers.setTimeout(check, Math.min(remaining, LONGEST_TIMER_MS));
  };
  check();
  return () => {
    done = true;
    cancel();
  };
}
