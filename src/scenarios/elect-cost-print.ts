import type { AnyScenario } from "../sim/scenario.js";
import { electBullyScenario } from "./elect-bully.js";
import { electCandidateScenario } from "./elect-candidate.js";
import { leaderCrashCost, partitionCost } from "./elect-cost.js";
import { electInvitationScenario } from "./elect-invitation.js";
import { electNextInLineScenario } from "./elect-next-in-line.js";
import { electRingScenario } from "./elect-ring.js";

const SCENARIOS: readonly AnyScenario[] = [
  electBullyScenario,
  electRingScenario,
  electNextInLineScenario,
  electCandidateScenario,
  electInvitationScenario,
];

/**
 * Prints docs/leader-election.md's cost table: for n = 4, 16, 64, 128 and each
 * algorithm, one JSON line with the election messages and the time to agree
 * after the leader crashes (seed 1, no nemesis).
 */
export function printElectCosts(): void {
  for (const n of [4, 16, 64, 128]) {
    for (const s of SCENARIOS) console.log(JSON.stringify(leaderCrashCost(s, n, 1)));
  }
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/**
 * Prints docs/leader-election.md's partition table: for n = 8 and 32, each algorithm and
 * each shape (the leader isolated, or halves) cut at 3 s for 3.25 s, the median
 * over seeds 1–5 of the split-brain time and of the time to agree again after
 * the heal (runs that never agreed again are counted and left out).
 */
export function printElectPartitionCosts(): void {
  for (const n of [8, 32]) {
    for (const s of SCENARIOS) {
      for (const shape of ["isolate", "halves"] as const) {
        const runs = [1, 2, 3, 4, 5].map((seed) => partitionCost(s, n, seed, shape));
        const agreed = runs.flatMap((r) => (r.reconvergeMs === undefined ? [] : [r.reconvergeMs]));
        console.log(
          JSON.stringify({
            scenario: s.name,
            n,
            shape,
            seeds: runs.length,
            splitBrainMsMedian: median(runs.map((r) => r.splitBrainMs)),
            splitBrainIntervalsMedian: median(runs.map((r) => r.splitBrainIntervals)),
            reconvergeMsMedian: agreed.length === 0 ? null : median(agreed),
            neverAgreed: runs.length - agreed.length,
          }),
        );
      }
    }
  }
}
