/**
 * A discrete-event model of many callers retrying against one account-wide quota: a token bucket
 * of `ratePerSecond` with a one-second burst, and each caller's ASL-style retry (exponential
 * ceiling from `intervalSeconds`, doubled per attempt up to `maxDelaySeconds`, full jitter).
 * Deterministic for a seed, so a test pins the outcome, not a sample.
 */
export interface Retrier {
  readonly IntervalSeconds: number;
  readonly BackoffRate: number;
  readonly MaxAttempts: number;
  readonly MaxDelaySeconds: number;
}

export interface QuotaRun {
  readonly succeeded: number;
  readonly failed: number;
  /** Most attempts any caller needed (the first call plus its retries). */
  readonly maxAttempts: number;
  /** When the last caller got through, seconds from the start. */
  readonly lastSuccessSeconds: number;
  readonly callsPerCaller: number;
}

/** mulberry32: a small seeded PRNG. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

class EventQueue {
  private readonly items: Array<{ at: number; attempt: number }> = [];
  get size() {
    return this.items.length;
  }
  push(item: { at: number; attempt: number }): void {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if ((a[parent] as { at: number }).at <= item.at) break;
      [a[parent], a[i]] = [a[i] as typeof item, a[parent] as typeof item];
      i = parent;
    }
  }
  pop(): { at: number; attempt: number } {
    const a = this.items;
    const top = a[0] as { at: number; attempt: number };
    const last = a.pop() as typeof top;
    if (a.length === 0) return top;
    a[0] = last;
    for (let i = 0; ; ) {
      const [l, r] = [2 * i + 1, 2 * i + 2];
      let m = i;
      if (l < a.length && (a[l] as typeof top).at < (a[m] as typeof top).at) m = l;
      if (r < a.length && (a[r] as typeof top).at < (a[m] as typeof top).at) m = r;
      if (m === i) break;
      [a[m], a[i]] = [a[i] as typeof top, a[m] as typeof top];
      i = m;
    }
    return top;
  }
}

/** `callers` callers all make their first call at time 0. */
export function simulateQuota(callers: number, ratePerSecond: number, retrier: Retrier, seed = 1): QuotaRun {
  const random = seeded(seed);
  const queue = new EventQueue();
  for (let i = 0; i < callers; i++) queue.push({ at: 0, attempt: 1 });
  let tokens = ratePerSecond;
  let clock = 0;
  let calls = 0;
  let succeeded = 0;
  let maxAttempts = 0;
  let lastSuccessSeconds = 0;
  while (queue.size > 0) {
    const call = queue.pop();
    tokens = Math.min(ratePerSecond, tokens + (call.at - clock) * ratePerSecond);
    clock = call.at;
    calls++;
    if (tokens >= 1) {
      tokens -= 1;
      succeeded++;
      maxAttempts = Math.max(maxAttempts, call.attempt);
      lastSuccessSeconds = call.at;
    } else if (call.attempt <= retrier.MaxAttempts) {
      const ceiling = Math.min(retrier.MaxDelaySeconds, retrier.IntervalSeconds * retrier.BackoffRate ** (call.attempt - 1));
      queue.push({ at: call.at + random() * ceiling, attempt: call.attempt + 1 });
    }
  }
  return { succeeded, failed: callers - succeeded, maxAttempts, lastSuccessSeconds, callsPerCaller: calls / callers };
}
