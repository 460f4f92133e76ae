import { SWIM_DEFAULTS, type SwimConfig } from "../detect/swim/config.js";
import { swimProtocol } from "../detect/swim/protocol.js";
import { detectScenario } from "./detect-scenario.js";

/** SWIM with Lifeguard as the scenario runs it: 200 ms periods, 80 ms probe timeout, full sync every ~2 s. */
export const SWIM_SCENARIO_CONFIG: SwimConfig = {
  ...SWIM_DEFAULTS,
  probeIntervalMs: 200,
  probeTimeoutMs: 80,
  syncIntervalMs: 2000,
};

/**
 * SWIM's bounds in protocol periods. Detection: 50 periods (10 s). A given
 * prober reaches the crashed member within 2(n−1)−1 periods and the suspicion
 * spreads in O(log n) more, but Lifeguard stretches the periods of members
 * that blame themselves (up to `healthMax`×, e.g. while partitioned), so the
 * bound leaves room for that; it was chosen from 200-seed sweeps, not derived.
 * Recovery after the last heal: 40 periods (8 s), enough for a few full
 * syncs (every ~2 s) to carry refutations across a healed partition.
 */
export function swimBounds(config: SwimConfig): { detectMs: number; recoverMs: number } {
  return { detectMs: 50 * config.probeIntervalMs, recoverMs: 40 * config.probeIntervalMs };
}

/** `detect-swim`: SWIM with the Lifeguard extensions under crashes, restarts and partitions. */
export const detectSwimScenario = detectScenario({
  name: "detect-swim",
  summary:
    "SWIM + Lifeguard (200 ms periods); every crash suspected by every live member within 50 periods",
  protocol: swimProtocol,
  config: () => SWIM_SCENARIO_CONFIG,
  bounds: () => swimBounds(SWIM_SCENARIO_CONFIG),
});
