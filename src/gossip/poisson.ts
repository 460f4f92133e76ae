/**
 * An exact (Garwood) 95% confidence interval for the mean of a Poisson count
 * `x`, by bisection on the Poisson distribution function. Used to say whether
 * a rare residue (a handful of missed sites over thousands of runs) is
 * statistically distinguishable from the paper's. For x > 1000 a normal
 * approximation is used.
 */
export function poissonInterval95(x: number): { low: number; high: number } {
  if (!(x >= 0) || !Number.isFinite(x))
    throw new RangeError(`poisson count: expected >= 0, got ${x}`);
  const k = Math.round(x);
  if (k > 1_000) return { low: k - 1.96 * Math.sqrt(k), high: k + 1.96 * Math.sqrt(k) };
  const low = k === 0 ? 0 : bisect((mu) => 1 - poissonCdf(k - 1, mu) - 0.025, 0, k);
  const high = bisect((mu) => 0.025 - poissonCdf(k, mu), k, k + 10 * Math.sqrt(k + 1) + 10);
  return { low, high };
}

/** P(X <= k) for X ~ Poisson(mu). */
function poissonCdf(k: number, mu: number): number {
  if (mu === 0) return 1;
  let term = Math.exp(-mu);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= mu / i;
    sum += term;
  }
  return Math.min(1, sum);
}

/** The root of an increasing `f` in [lo, hi]. */
function bisect(f: (x: number) => number, lo: number, hi: number): number {
  let a = lo;
  let b = hi;
  for (let i = 0; i < 200; i++) {
    const mid = (a + b) / 2;
    if (f(mid) < 0) a = mid;
    else b = mid;
  }
  return (a + b) / 2;
}
