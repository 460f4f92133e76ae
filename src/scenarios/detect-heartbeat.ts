import { HEARTBEAT_DEFAULTS } from "../detect/heartbeat/config.js";
import { heartbeatProtocol } from "../detect/heartbeat/protocol.js";
import { detectScenario } from "./detect-scenario.js";
import { heartbeatBounds } from "./heartbeat.js";

/**
 * `detect-heartbeat`: the fixed-deadline heartbeat detector (100 ms
 * heartbeats, 500 ms deadline) on the detect scenarios' 1%-loss network.
 * Bound: deadline + 50 ms latency bound + 1 ms = 551 ms to suspicion by every
 * live member; trusted again within 351 ms of the last heal (three intervals:
 * the first two heartbeats after the heal may be lost).
 */
export const detectHeartbeatScenario = detectScenario({
  name: "detect-heartbeat",
  summary:
    "fixed-deadline heartbeats (100 ms, deadline 500 ms); every crash suspected by every live member within 551 ms",
  protocol: heartbeatProtocol,
  config: () => HEARTBEAT_DEFAULTS,
  bounds: () => heartbeatBounds(HEARTBEAT_DEFAULTS, 2),
});
