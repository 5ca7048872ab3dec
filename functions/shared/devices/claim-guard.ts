import { BoundedMap } from '../bounded-map';

/**
 * Limits on guessing claim codes (issue 17.4). A claim code carries 160 random bits, so guessing
 * is hopeless; the limit is defence in depth and keeps a guesser from costing registry calls.
 *
 * - Per device: at most CLAIM_GUARD.failures wrong codes in a window of CLAIM_GUARD.windowSeconds,
 *   then every claim of that device (a right code too: otherwise the limit would not hold) answers
 *   ClaimRateLimited until the window ends. The count lives in the registry, in the device's own
 *   `claimHash` attribute (`<salt>.<hash>.<window start, epoch s>.<failures>`), written with
 *   `expectedVersion` like every other registry write: global across every Lambda instance, no new
 *   data store, and a thing keeps within its 3 attributes.
 * - Per caller: the same limit over all devices, counted in the warm instance that served the
 *   caller (see CallerClaimLimiter): N warm instances allow at most N × the limit.
 */
export const CLAIM_GUARD = { failures: 5, windowSeconds: 60 } as const;

/** Failed claims in the current fixed window. */
export interface ClaimWindow {
  readonly startSeconds: number;
  readonly failures: number;
}

const EMPTY: ClaimWindow = { startSeconds: 0, failures: 0 };

/** The window as it stands at `nowSeconds` (an expired window counts nothing). */
export function currentWindow(window: ClaimWindow, nowSeconds: number): ClaimWindow {
  return nowSeconds - window.startSeconds >= CLAIM_GUARD.windowSeconds ? EMPTY : window;
}

/** Seconds until claims are answered again, or undefined when they are answered now. */
export function lockedForSeconds(window: ClaimWindow, nowSeconds: number): number | undefined {
  const current = currentWindow(window, nowSeconds);
  if (current.failures < CLAIM_GUARD.failures) return undefined;
  return Math.max(1, current.startSeconds + CLAIM_GUARD.windowSeconds - nowSeconds);
}

/** The window after one more failure at `nowSeconds`. */
export function withFailure(window: ClaimWindow, nowSeconds: number): ClaimWindow {
  const current = currentWindow(window, nowSeconds);
  return current.failures === 0 ? { startSeconds: nowSeconds, failures: 1 } : { ...current, failures: current.failures + 1 };
}

/** Splits a stored `claimHash` value into the code's hash and its failure window. */
export function parseClaimRecord(stored: string): { hash: string; window: ClaimWindow } {
  const [salt = '', digest = '', start, failures] = stored.split('.');
  const window = { startSeconds: Number(start), failures: Number(failures) };
  const valid = Number.isSafeInteger(window.startSeconds) && Number.isSafeInteger(window.failures) && window.failures > 0;
  return { hash: `${salt}.${digest}`, window: valid ? window : EMPTY };
}

/** The `claimHash` value holding `hash` and `window` (the bare hash once nothing failed). */
export function formatClaimRecord(hash: string, window: ClaimWindow): string {
  return window.failures === 0 ? hash : `${hash}.${window.startSeconds}.${window.failures}`;
}

/**
 * The per-caller count, held by a warm Lambda instance: a bounded table of the callers
 * who failed recently. It never decides anything the per-device limit would not also catch for a
 * single device; it stops one caller from walking many devices.
 */
export class CallerClaimLimiter {
  private readonly windows: BoundedMap<string, ClaimWindow>;

  constructor(private readonly nowSeconds: () => number, maxCallers = 10_000) {
    this.windows = new BoundedMap(maxCallers);
  }

  lockedForSeconds(caller: string): number | undefined {
    const window = this.windows.get(caller);
    return window && lockedForSeconds(window, this.nowSeconds());
  }

  recordFailure(caller: string): void {
    const next = withFailure(this.windows.get(caller) ?? EMPTY, this.nowSeconds());
    this.windows.delete(caller);
    this.windows.set(caller, next);
  }
}
