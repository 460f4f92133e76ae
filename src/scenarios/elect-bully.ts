import { BULLY_DEFAULTS, bullyProtocol } from "../elect/index.js";
import { electScenario } from "./elect-scenario.js";

/**
 * The bully scenario's bound: a crashed leader is suspected within the
 * detector's deadline plus latency (~551 ms); the election then waits at most
 * one answer timeout, or a coordinator timeout when a higher node answered
 * and died; a healed partition merges at the next announcement (500 ms) and
 * one more election. 4 s covers two such rounds with room for the 1% loss.
 */
export const ELECT_BULLY_BOUND_MS = 4000;

/** `elect-bully`: the classic bully algorithm under crash, restart, partition and loss. */
export const electBullyScenario = electScenario({
  name: "elect-bully",
  summary: `bully election on heartbeats; after the last fault every live node follows one live leader within ${ELECT_BULLY_BOUND_MS} ms`,
  protocol: bullyProtocol,
  config: BULLY_DEFAULTS,
  boundMs: ELECT_BULLY_BOUND_MS,
});
