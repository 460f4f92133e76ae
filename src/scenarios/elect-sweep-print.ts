import { ELECT_BULLY_BOUND_MS, electBullyScenario } from "./elect-bully.js";
import { BULLY_HOLD_DOWN_MS, electBullyHoldDownScenario } from "./elect-bully-holddown.js";
import { ELECT_CANDIDATE_BOUND_MS, electCandidateScenario } from "./elect-candidate.js";
import { ELECT_INVITATION_BOUND_MS, electInvitationScenario } from "./elect-invitation.js";
import { ELECT_NIL_BOUND_MS, electNextInLineScenario } from "./elect-next-in-line.js";
import { ELECT_RING_BOUND_MS, electRingScenario } from "./elect-ring.js";
import { electSweep } from "./elect-sweep.js";

/**
 * Prints docs/leader-election.md's sweep table: each `elect-*` scenario over seeds
 * 1000–1199, 40 s each, one JSON line per scenario.
 */
export function printElectSweeps(): void {
  const cases = [
    [electBullyScenario, ELECT_BULLY_BOUND_MS],
    [electRingScenario, ELECT_RING_BOUND_MS],
    [electBullyHoldDownScenario, ELECT_BULLY_BOUND_MS + BULLY_HOLD_DOWN_MS],
    [electNextInLineScenario, ELECT_NIL_BOUND_MS],
    [electCandidateScenario, ELECT_CANDIDATE_BOUND_MS],
    [electInvitationScenario, ELECT_INVITATION_BOUND_MS],
  ] as const;
  for (const [scenario, bound] of cases) {
    console.log(JSON.stringify(electSweep(scenario, bound, 1000, 200, 40_000)));
  }
}
