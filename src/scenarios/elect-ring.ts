import { RING_DEFAULTS, ringProtocol } from "../elect/index.js";
import { electScenario } from "./elect-scenario.js";

/**
 * The ring scenario's bound: a crashed leader is suspected within ~551 ms;
 * a round then takes one circuit (8 members × ≤ 5 ms each way) or, when a
 * message is lost, one more `roundTimeoutMs` (300 ms) per retry; a healed
 * partition is merged when a leader trusts a member again (one heartbeat
 * interval) plus a round. 4 s leaves room for several lost rounds.
 */
export const ELECT_RING_BOUND_MS = 4000;

/** `elect-ring`: the ring election with skipping under crash, restart, partition and loss. */
export const electRingScenario = electScenario({
  name: "elect-ring",
  summary: `ring election with skipping on heartbeats; after the last fault every live node follows one live leader within ${ELECT_RING_BOUND_MS} ms`,
  protocol: ringProtocol,
  config: RING_DEFAULTS,
  boundMs: ELECT_RING_BOUND_MS,
});
