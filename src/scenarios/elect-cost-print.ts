import type { AnyScenario } from "../sim/scenario.js";
import { electBullyScenario } from "./elect-bully.js";
import { electCandidateScenario } from "./elect-candidate.js";
import { leaderCrashCost } from "./elect-cost.js";
import { electInvitationScenario } from "./elect-invitation.js";
import { electNextInLineScenario } from "./elect-next-in-line.js";
import { electRingScenario } from "./elect-ring.js";

/**
 * Prints docs/elect.md's cost table: for n = 4, 16, 64, 128 and each
 * algorithm, one JSON line with the election messages and the time to agree
 * after the leader crashes (seed 1, no nemesis).
 */
export function printElectCosts(): void {
  const scenarios: AnyScenario[] = [
    electBullyScenario,
    electRingScenario,
    electNextInLineScenario,
    electCandidateScenario,
    electInvitationScenario,
  ];
  for (const n of [4, 16, 64, 128]) {
    for (const s of scenarios) console.log(JSON.stringify(leaderCrashCost(s, n, 1)));
  }
}
