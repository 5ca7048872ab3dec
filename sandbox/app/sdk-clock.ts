/**
 * Makes an SDK v3 client sign with the sandbox clock's time instead of the machine's. For the
 * sandbox's own in-process clients (the state machines' SDK integrations, the operator's
 * registry client): they stand for callers inside AWS, whose clock is AWS's. The SDK reads the
 * client's `systemClockOffset` each time it signs and overwrites it from each answer's `Date`
 * header (its clock skew correction); here the offset always reads the sandbox clock, so the
 * first call after `advance()` is signed right too (these clients make one attempt).
 */
export function onSandboxClock<C extends { readonly config: object }>(client: C, now: () => number): C {
  Object.defineProperty(client.config, 'systemClockOffset', {
    get: () => now() - Date.now(),
    set: () => undefined,
    configurable: true,
    enumerable: true,
  });
  return client;
}
