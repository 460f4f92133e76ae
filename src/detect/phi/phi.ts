import { assert } from "../../core/index.js";

/**
 * φ under the normal distribution as Akka computes it: the tail probability
 * P(X > t) of N(mean, sd) is approximated with the logistic function
 * (Bowling et al. 2009), so φ = −log10(P) never reaches infinity and costs one
 * `exp`. φ grows monotonically with `elapsedMs`.
 */
export function phiNormal(elapsedMs: number, meanMs: number, sdMs: number): number {
  assert(sdMs > 0, () => `phi: standard deviation must be positive, got ${sdMs}`);
  const y = (elapsedMs - meanMs) / sdMs;
  const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
  return elapsedMs > meanMs ? -Math.log10(e / (1 + e)) : -Math.log10(1 - 1 / (1 + e));
}

/**
 * φ under the exponential distribution as Cassandra computes it: P(X > t) =
 * e^(−t/mean), so φ = t / (mean · ln 10) — linear in the time since the last heartbeat.
 */
export function phiExponential(elapsedMs: number, meanMs: number): number {
  assert(meanMs > 0, () => `phi: mean must be positive, got ${meanMs}`);
  return elapsedMs / (meanMs * Math.LN10);
}

/**
 * The standardized silence y = (t − mean) / sd at which `phiNormal` reaches
 * `threshold`. φ under the normal distribution depends on y alone, so a node
 * computes this once and finds every crossing as `mean + y·sd` in O(1).
 * Bisection over y in [−40, 40] to 1e-9.
 */
export function crossingY(threshold: number): number {
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-9; i++) {
    const mid = (lo + hi) / 2;
    if (phiNormal(mid, 0, 1) < threshold) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The elapsed time at which `phiNormal` reaches `threshold` (0 if it already has at no silence). */
export function crossingNormalMs(
  threshold: number,
  meanMs: number,
  sdMs: number,
  y = crossingY(threshold),
): number {
  return Math.max(0, meanMs + y * sdMs);
}

/** The elapsed time at which `phiExponential` reaches `threshold`. */
export function crossingExponentialMs(threshold: number, meanMs: number): number {
  return threshold * meanMs * Math.LN10;
}
