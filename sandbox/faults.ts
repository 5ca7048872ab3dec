/**
 * Fault injection for tests and benchmarks. Operations are named `<service>:<Operation>` as in
 * IAM (for example `iot:AttachPolicy`). A rule can throttle an operation above a rate (token
 * bucket, burst = one second's worth) and/or fail its next N calls with a transient error.
 */
export interface FaultRule {
  /** Calls per second allowed; calls beyond it fail with the service's throttling error. */
  readonly throttleTps?: number;
  /** The next N calls fail with a transient 5xx error (or `failWith`). */
  readonly failNext?: number;
  /** The error the failing calls return; default is the service's internal-failure error. */
  readonly failWith?: 'throttle' | 'internal';
  /**
   * The next N calls take effect but their response is lost (the connection drops before the
   * answer): what a client sees when a network path fails mid-request. Only operations that
   * support it honour it (the IoT data plane's shadow operations); others ignore it.
   */
  readonly loseResponseNext?: number;
}

export type Fault = { readonly kind: 'throttle' | 'internal' | 'lose-response' };

interface RuleState {
  rule: FaultRule;
  failuresLeft: number;
  lossesLeft: number;
  tokens: number;
  refilledAt: number;
}

export class FaultInjector {
  private readonly rules = new Map<string, RuleState>();
  private readonly counts = new Map<string, { calls: number; throttled: number; failed: number }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Sets (or with `undefined`, clears) the rule for an operation. */
  set(operation: string, rule: FaultRule | undefined): void {
    if (!rule) {
      this.rules.delete(operation);
      return;
    }
    this.rules.set(operation, { rule, failuresLeft: rule.failNext ?? 0, lossesLeft: rule.loseResponseNext ?? 0, tokens: rule.throttleTps ?? 0, refilledAt: this.now() });
  }

  clear(): void {
    this.rules.clear();
  }

  /** Called by every emulated operation before it acts; a returned fault is answered instead. */
  check(operation: string): Fault | undefined {
    const count = this.counts.get(operation) ?? { calls: 0, throttled: 0, failed: 0 };
    this.counts.set(operation, count);
    count.calls++;
    const state = this.rules.get(operation);
    if (!state) return undefined;
    if (state.failuresLeft > 0) {
      state.failuresLeft--;
      count.failed++;
      return { kind: state.rule.failWith ?? 'internal' };
    }
    if (state.lossesLeft > 0) {
      state.lossesLeft--;
      count.failed++;
      return { kind: 'lose-response' };
    }
    const tps = state.rule.throttleTps;
    if (tps !== undefined) {
      const t = this.now();
      state.tokens = Math.min(tps, state.tokens + ((t - state.refilledAt) / 1000) * tps);
      state.refilledAt = t;
      if (state.tokens < 1) {
        count.throttled++;
        return { kind: 'throttle' };
      }
      state.tokens -= 1;
    }
    return undefined;
  }

  /** Calls seen per operation (including faulted ones), for tests and the benchmark. */
  stats(operation: string) {
    return { ...(this.counts.get(operation) ?? { calls: 0, throttled: 0, failed: 0 }) };
  }

  resetStats(): void {
    this.counts.clear();
  }
}
