import { RING_DEFAULTS, ringProtocol } from "../elect/index.js";
import { electScenario } from "./elect-scenario.js";

/**
 * The ring scenario's bound (8 members): a crashed leader is suspected within
 * ~551 ms; a round then takes one circuit out and one back (2 × n hops of
 * ≤ 5 ms), each lost hop adding one 30 ms re-send, and a round lost with a
 * crashed holder one round timeout (300 ms + 10 ms × n); a healed partition
 * is merged when a leader trusts a member again (one heartbeat interval)
 * plus a round. For n members the same reasoning gives about
 * 0.55 s + 10 ms × n without faults in the round (3.1 s at 256), plus
 * 0.3 s + 10 ms × n per round lost to a crash. 4 s leaves room for several
 * lost rounds at 8.
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
