import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { METRICS_NAMESPACE } from './metrics';

/** What a core needs from a logger. Powertools' `Logger` satisfies it; tests pass their own. */
export interface Log {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

/** What a core needs to count things. Handlers back it with CloudWatch EMF metrics. */
export interface Counter {
  count(metric: string, value?: number): void;
}

/** A function's logger: a `Log` that also takes the Lambda context of each invocation. */
export interface FunctionLog extends Log {
  /** Adds the request id, function name/version and cold start to every line (Powertools `addContext`). */
  addContext(context: Context): void;
}

/**
 * Keys Powertools Logger reserves and drops from extra attributes with a warning
 * (@aws-lambda-powertools/logger `ReservedKeys`): a `message` attribute would vanish from the
 * very line that explains a rejection, so such keys are kept under a `detail_` prefix.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['level', 'message', 'sampling_rate', 'service', 'timestamp']);

export function keepReservedKeys(attributes: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attributes).map(([key, value]) => [RESERVED_KEYS.has(key) ? `detail_${key}` : key, value]));
}

/** Structured JSON logger (Powertools) for a function; level from `POWERTOOLS_LOG_LEVEL`. */
export function createLogger(serviceName: string): FunctionLog {
  const logger = new Logger({ serviceName });
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, attributes?: Record<string, unknown>) =>
      attributes ? logger[level](message, keepReservedKeys(attributes) as LogAttributes) : logger[level](message);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), addContext: (context) => logger.addContext(context) };
}

/**
 * A counter that writes CloudWatch embedded-metric-format lines through Powertools Metrics.
 * `flush()` must run before the handler returns.
 */
export function createCounter(serviceName: string): Counter & { flush(): void } {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  let pending = false;
  return {
    count(metric, value = 1) {
      metrics.addMetric(metric, MetricUnit.Count, value);
      pending = true;
    },
    flush() {
      if (!pending) return;
      metrics.publishStoredMetrics();
      pending = false;
    },
  };
}

/** A logger that drops everything: for tests and benchmarks that assert on behaviour, not logs. */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
export const noCounter: Counter = { count() {} };

/**
 * A starter (the sign-in trigger, the lifecycle handler) could not ensure its execution: counts
 * `metric` for the alarm and logs `message` with the error's name and message, never its stack.
 */
export function reportStartFailure(deps: { log: Log; metrics: Counter }, metric: string, message: string, fields: Record<string, unknown>, error: unknown): void {
  deps.metrics.count(metric);
  deps.log.error(message, { ...fields, error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
}
