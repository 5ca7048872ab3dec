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
