import { BULLY_DEFAULTS, bullyProtocol } from "../elect/index.js";
import type { ScheduledFault } from "../sim/schedule.js";
import { ELECT_BULLY_BOUND_MS } from "./elect-bully.js";
import { electScenario } from "./elect-scenario.js";

/** The hold-down of `elect-bully-holddown`: a restarted node must stay up 5 s before it may claim leadership. */
export const BULLY_HOLD_DOWN_MS = 5000;

/**
 * `elect-bully-holddown`: bully with the remedy for a flapping top node — a
 * restarted node follows whoever leads and claims nothing for 5 s. Its bound
 * is bully's plus the hold-down, after which the top node takes over.
 */
export const electBullyHoldDownScenario = electScenario({
  name: "elect-bully-holddown",
  summary: `bully with a ${BULLY_HOLD_DOWN_MS} ms hold-down after a restart; after the last fault every live node follows one live leader within ${ELECT_BULLY_BOUND_MS + BULLY_HOLD_DOWN_MS} ms`,
  protocol: bullyProtocol,
  config: { ...BULLY_DEFAULTS, holdDownMs: BULLY_HOLD_DOWN_MS },
  boundMs: ELECT_BULLY_BOUND_MS + BULLY_HOLD_DOWN_MS,
});

/**
 * A flapping top node: `node` crashes at 2 s and every `periodMs` after,
 * each time down for half the period, `flaps` times.
 */
export function flappingFaults(node: number, flaps: number, periodMs: number): ScheduledFault[] {
  return Array.from({ length: flaps }, (_, k) => ({
    at: 2000 + k * periodMs,
    fault: "crash" as const,
    node,
    healAt: 2000 + k * periodMs + periodMs / 2,
  }));
}
