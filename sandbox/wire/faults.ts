import * as z from 'zod/mini';
import { documentIssues } from './validation';

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

  /** The rules in force, keyed by operation (the control endpoint's GET). */
  list(): FaultSpec[] {
    return [...this.rules].map(([operation, state]) => ({ operation, ...state.rule }));
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

  /** Calls seen for every operation called so far. */
  allStats(): Record<string, { calls: number; throttled: number; failed: number }> {
    return Object.fromEntries([...this.counts].map(([operation, count]) => [operation, { ...count }]));
  }

  resetStats(): void {
    this.counts.clear();
  }
}

/** A rule for one operation, as the control endpoint and `--faults` take it. */
export interface FaultSpec extends FaultRule {
  /** `<service>:<Operation>`, e.g. `iot:AttachPolicy`. */
  readonly operation: string;
}

/** The services whose operations the sandbox counts and can fault (their IAM service prefixes). */
export const FAULT_SERVICES = ['cognito-idp', 'cognito-identity', 'iot', 'states', 'sqs'] as const;

export class InvalidFaultSpec extends Error {
  override readonly name = 'InvalidFaultSpec';
}

const OPERATION = /^[a-z-]+:[A-Z][A-Za-z]+$/;
const knownOperation = (operation: string) => OPERATION.test(operation) && FAULT_SERVICES.some((s) => operation.startsWith(`${s}:`));
const wholeNumber = z.optional(z.int().check(z.gte(0)));

/** One rule as the control endpoint and `--faults` take it; nothing else is accepted. */
const faultSpecSchema = z
  .strictObject({
    operation: z.string().check(z.refine(knownOperation, `must be <service>:<Operation> with service one of ${FAULT_SERVICES.join(', ')} (e.g. iot:AttachPolicy)`)),
    throttleTps: z.optional(z.number().check(z.gt(0))),
    failNext: wholeNumber,
    failWith: z.optional(z.enum(['throttle', 'internal'])),
    loseResponseNext: wholeNumber,
  })
  .check(z.refine((s) => s.throttleTps !== undefined || s.failNext !== undefined || s.loseResponseNext !== undefined, 'needs throttleTps, failNext and/or loseResponseNext'));

/**
 * Reads fault rules from JSON (one rule or a list), with the checks the in-process API relies on:
 * a known `service:Operation`, `throttleTps` > 0, `failNext` and `loseResponseNext` whole numbers
 * >= 0, `failWith` `throttle` or `internal`, at least one of `throttleTps`, `failNext` and
 * `loseResponseNext`, nothing else. Worded as the rest of the sandbox's validation.
 */
export function parseFaultSpecs(value: unknown): FaultSpec[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, index) => {
    const parsed = faultSpecSchema.safeParse(item);
    if (!parsed.success) throw new InvalidFaultSpec(documentIssues(parsed.error.issues, item, `faults[${index}]`).join('; '));
    const { operation, throttleTps, failNext, failWith, loseResponseNext } = parsed.data;
    return {
      operation,
      ...(throttleTps !== undefined ? { throttleTps } : {}),
      ...(failNext !== undefined ? { failNext } : {}),
      ...(failWith !== undefined ? { failWith } : {}),
      ...(loseResponseNext !== undefined ? { loseResponseNext } : {}),
    };
  });
}
