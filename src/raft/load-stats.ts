/** Latency figures of one measurement, in milliseconds rounded to microseconds. */
export interface LatencySummary {
  /** Latencies summarized (operations that returned `ok` in the window). */
  readonly samples: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/**
 * The nearest-rank percentile `q` (0 < q <= 1) of `sorted` (ascending): the
 * smallest value with at least a fraction `q` of the values at or below it.
 * NaN for an empty array.
 */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

/** p50, p90, p99, max and mean of `latencies` (any order; not modified); NaN figures when empty. */
export function summarizeLatencies(latencies: readonly number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  let sum = 0;
  for (const x of sorted) sum += x;
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    samples: sorted.length,
    p50Ms: round(percentile(sorted, 0.5)),
    p90Ms: round(percentile(sorted, 0.9)),
    p99Ms: round(percentile(sorted, 0.99)),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
    meanMs: round(sorted.length === 0 ? Number.NaN : sum / sorted.length),
  };
}
