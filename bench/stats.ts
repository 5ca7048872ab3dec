/** Percentile by nearest rank over a copy of the samples (p in 0..100). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (samples: readonly number[]) => percentile(samples, 50);

export interface Distribution {
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Median, p99 and maximum of a set of samples (ms), rounded to µs for the report. */
export function distribution(samples: readonly number[]): Distribution {
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    samples: samples.length,
    p50: round(percentile(samples, 50)),
    p99: round(percentile(samples, 99)),
    max: round(samples.length === 0 ? Number.NaN : Math.max(...samples)),
  };
}

/** Figures made of named distributions, one per set of samples (the `…Ms` fields of a phase's figures). */
export type Distributions<K extends string> = { readonly [Name in K]: Distribution };

/** The distribution of each named set of samples, under the same names and in the same order. */
export function distributions<K extends string>(samples: Readonly<Record<K, readonly number[]>>): Distributions<K> {
  return Object.fromEntries(Object.entries<readonly number[]>(samples).map(([name, values]) => [name, distribution(values)])) as Distributions<K>;
}
