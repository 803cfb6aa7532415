// Small statistics helpers for the benchmarks. Samples are plain numbers.

/** Which way a figure improves: times and memory go down, rates and speedups go up. */
export type Better = 'lower' | 'higher';

/** The q-quantile (0..1) of xs by the nearest-rank method; NaN for no samples. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[rank]!;
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/**
 * The p99 tail on the bad side: the 99th percentile of a time, the 1st percentile of a rate.
 * Every figure reports it beside its median.
 */
export const p99 = (xs: readonly number[], better: Better = 'lower'): number => quantile(xs, better === 'lower' ? 0.99 : 0.01);

/** Round to d decimals, as a number (NaN stays NaN). */
export function round(x: number, d = 2): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/** A distribution as every figure reports it (p99 on the bad side, see p99). */
export interface Dist {
  median: number;
  p99: number;
  min: number;
  max: number;
  n: number;
}

/** Median, p99 (bad side), min, max and count of a distribution, rounded. */
export function summary(xs: readonly number[], d = 2, better: Better = 'lower'): Dist {
  return { median: round(median(xs), d), p99: round(p99(xs, better), d), min: round(Math.min(...xs), d), max: round(Math.max(...xs), d), n: xs.length };
}
