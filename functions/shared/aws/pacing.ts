/** Waits (injectable, so tests pass their own) between calls. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A pacer for bulk operations: `await pace()` before each call holds them to `ratePerSecond`
 * (the first call goes at once). Used by the admin CLI's bulk commands and the reconciler, so
 * they stay inside the quotas of the APIs they call.
 */
export function createPacer(ratePerSecond: number, sleep: Sleep = realSleep, clock: () => number = () => performance.now()) {
  const interval = 1000 / Math.max(ratePerSecond, 0.001);
  let last: number | undefined;
  return async function pace(): Promise<void> {
    if (last !== undefined) {
      const wait = last + interval - clock();
      if (wait > 0) await sleep(wait);
    }
    last = clock();
  };
}

export interface ThrottleRetryOptions {
  readonly sleep?: Sleep;
  /** A number in [0, 1): the jitter. Default Math.random. */
  readonly random?: () => number;
  /** Retries after the first attempt. Default 8. */
  readonly retries?: number;
  /** First backoff ceiling; it doubles per retry up to `capMs`. Defaults 1 s and 16 s. */
  readonly baseMs?: number;
  readonly capMs?: number;
}

/**
 * Runs `call`, retrying while `isThrottled(error)` with exponential backoff and full jitter (the
 * same shape as the workflows' ASL retries): a quota shared by the whole account is met by
 * spreading calls out, not by stopping the work. Other errors, and the last throttle, are thrown.
 */
export async function retryThrottled<T>(call: () => Promise<T>, isThrottled: (error: unknown) => boolean, options: ThrottleRetryOptions = {}): Promise<T> {
  const { sleep = realSleep, random = Math.random, retries = 8, baseMs = 1_000, capMs = 16_000 } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= retries || !isThrottled(error)) throw error;
      await sleep(random() * Math.min(capMs, baseMs * 2 ** attempt));
    }
  }
}
