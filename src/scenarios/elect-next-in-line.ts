import { NIL_DEFAULTS, nilProtocol } from "../elect/index.js";
import { electScenario } from "./elect-scenario.js";

/**
 * The next-in-line scenario's bound: a crashed leader is suspected within
 * ~551 ms; the first alternate takes over at once or when asked (a few ms),
 * each unresponsive alternate costing 200 ms; a healed partition merges at
 * the next announcement (500 ms). 4 s, like bully's.
 */
export const ELECT_NIL_BOUND_MS = 4000;

/** `elect-next-in-line`: next-in-line failover under crash, restart, partition and loss. */
export const electNextInLineScenario = electScenario({
  name: "elect-next-in-line",
  summary: `next-in-line failover on heartbeats; after the last fault every live node follows one live leader within ${ELECT_NIL_BOUND_MS} ms`,
  protocol: nilProtocol,
  config: NIL_DEFAULTS,
  boundMs: ELECT_NIL_BOUND_MS,
});
