import { assert } from "../core/assert.js";
import type { Prng } from "./prng.js";
import type { ExchangeMode } from "./rumor-rounds.js";

/**
 * Anti-entropy in the paper's model (Demers et al. 1987, section 1.3): every
 * cycle every site resolves differences with one uniformly random partner, and
 * one update starts at one site. Push: the partner learns what the initiator
 * knew at the start of the cycle; pull: the initiator learns what the partner
 * knew; push-pull: both. Returns the susceptible fraction after each cycle
 * (index 0 = at injection) until every site knows or `cyclesMax` passes.
 * Pure: randomness only from `rng`, typed arrays.
 */
export function runAntiEntropy(
  n: number,
  mode: ExchangeMode,
  rng: Prng,
  cyclesMax = 10_000,
): number[] {
  assert(
    Number.isSafeInteger(n) && n >= 2,
    () => `anti-entropy n: expected an integer >= 2, got ${n}`,
  );
  const knows = new Uint8Array(n);
  const knewAtStart = new Uint8Array(n);
  knows[rng.below(n)] = 1;
  let susceptible = n - 1;
  const byCycle = [susceptible / n];
  for (let cycle = 1; susceptible > 0 && cycle <= cyclesMax; cycle++) {
    knewAtStart.set(knows);
    for (let site = 0; site < n; site++) {
      let partner = rng.below(n - 1);
      if (partner >= site) partner++;
      if (mode !== "pull" && knewAtStart[site] === 1 && knows[partner] === 0) {
        knows[partner] = 1;
        susceptible--;
      }
      if (mode !== "push" && knewAtStart[partner] === 1 && knows[site] === 0) {
        knows[site] = 1;
        susceptible--;
      }
    }
    byCycle.push(susceptible / n);
  }
  return byCycle;
}

/**
 * One step of the paper's recurrences for the susceptible fraction p: pull
 * p(i+1) = p(i)², push p(i+1) = p(i)·(1 − 1/n)^(n(1 − p(i))) (≈ p(i)·e^(−1)
 * once p is small), push-pull the product of both.
 */
export function antiEntropyStep(n: number, mode: ExchangeMode, p: number): number {
  const pushFactor = (1 - 1 / n) ** (n * (1 - p));
  return mode === "pull" ? p * p : mode === "push" ? p * pushFactor : p * p * pushFactor;
}

/**
 * The recurrence iterated from `p0`, stopping below 1/(10n) or after
 * `cycles` steps; element 0 is `p0`.
 */
export function antiEntropyRecurrence(
  n: number,
  mode: ExchangeMode,
  p0: number,
  cycles: number,
): number[] {
  const out = [p0];
  for (let i = 0; i < cycles; i++) {
    const p = out[out.length - 1]!;
    if (p < 1 / (10 * n)) break;
    out.push(antiEntropyStep(n, mode, p));
  }
  return out;
}
