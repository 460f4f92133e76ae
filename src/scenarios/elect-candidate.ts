import { CANDIDATE_DEFAULTS, candidateProtocol } from "../elect/index.js";
import { electScenario } from "./elect-scenario.js";

/**
 * The candidate scenario's bound: a crashed leader is suspected within
 * ~551 ms; δ is at most 70 ms in 8 nodes, the collection 100 ms, a failed
 * elector costs 300 ms more; a healed partition merges at the next
 * announcement (500 ms). 4 s, like bully's.
 */
export const ELECT_CANDIDATE_BOUND_MS = 4000;

/** `elect-candidate`: candidate/ordinary election (the top half are candidates) under crash, restart, partition and loss. */
export const electCandidateScenario = electScenario({
  name: "elect-candidate",
  summary: `candidate/ordinary election on heartbeats (the ${CANDIDATE_DEFAULTS.candidateCount} highest ids are candidates); after the last fault every live node follows one live leader within ${ELECT_CANDIDATE_BOUND_MS} ms`,
  protocol: candidateProtocol,
  config: CANDIDATE_DEFAULTS,
  boundMs: ELECT_CANDIDATE_BOUND_MS,
});
