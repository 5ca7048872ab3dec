/** One-shot timers, injectable so tests can make deadlines pass without waiting (the sandbox clock's `timers`). */
export interface SandboxTimers {
  /** Runs `fn` once after `delayMs`; the returned function cancels it. */
  setTimeout(fn: () => void, delayMs: number): () => void;
}

/** Node's timers, unref'd: a pending deadline never keeps the process alive. */
export const realTimers: SandboxTimers = {
  setTimeout(fn, delayMs) {
    const handle = setTimeout(fn, delayMs);
    handle.unref();
    return () => clearTimeout(handle);
  },
};
