/**
 * Lifeguard's dynamic suspicion timeout (Dadgar et al. 2018, §IV-B "LHA-Suspicion"):
 * a suspicion starts at `maxMs` and shrinks toward `minMs` as independent
 * confirmations `c` arrive, reaching `minMs` at `expected` confirmations:
 * timeout = max(min, max − (max − min) · log(c+1) / log(expected+1)).
 * With fewer than one expected confirmation it is `minMs` from the start.
 */
export function suspicionTimeoutMs(
  confirmations: number,
  expected: number,
  minMs: number,
  maxMs: number,
): number {
  if (expected < 1) return minMs;
  const fraction = Math.log(confirmations + 1) / Math.log(expected + 1);
  return Math.max(minMs, Math.floor(maxMs - fraction * (maxMs - minMs)));
}

/**
 * The suspicion timeout's bounds for `n` members: the minimum is
 * `mult · max(1, log10 n) · probeIntervalMs` (memberlist's scaling, so larger
 * groups wait for dissemination), the maximum `maxMult` times that.
 */
export function suspicionBoundsMs(
  mult: number,
  maxMult: number,
  n: number,
  probeIntervalMs: number,
): { minMs: number; maxMs: number } {
  const scale = Math.max(1, Math.log10(Math.max(1, n)));
  const minMs = Math.floor(mult * scale * probeIntervalMs);
  return { minMs, maxMs: maxMult * minMs };
}

/** How many independent confirmations bring a suspicion to its minimum: `mult − 2`, or 0 in groups too small to give them. */
export function expectedConfirmations(mult: number, n: number): number {
  const k = mult - 2;
  return n - 2 < k ? 0 : Math.max(0, k);
}
