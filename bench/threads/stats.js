// Small statistics helpers for the thread benchmarks. Samples are plain numbers.

/** The q-quantile (0..1) of xs by the nearest-rank method; NaN for no samples. */
export function quantile(xs, q) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[rank];
}

export const median = (xs) => quantile(xs, 0.5);
export const p99 = (xs) => quantile(xs, 0.99);

/** Round to d decimals, as a number (NaN stays NaN). */
export function round(x, d = 2) {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/** Median, p99, min, max and count of a distribution, rounded. */
export function summary(xs, d = 2) {
  return { median: round(median(xs), d), p99: round(p99(xs), d), min: round(Math.min(...xs), d), max: round(Math.max(...xs), d), n: xs.length };
}
