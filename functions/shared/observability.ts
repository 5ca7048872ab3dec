import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
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

/** Structured JSON logger (Powertools) for a function; level from `POWERTOOLS_LOG_LEVEL`. */
export function createLogger(serviceName: string): Log {
  const logger = new Logger({ serviceName });
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, attributes?: Record<string, unknown>) =>
      attributes ? logger[level](message, attributes as LogAttributes) : logger[level](message);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
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
