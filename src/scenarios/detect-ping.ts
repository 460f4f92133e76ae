import { PING_DEFAULTS, type PingConfig } from "../detect/ping/config.js";
import { pingProtocol } from "../detect/ping/protocol.js";
import { DETECT_ASSUMPTIONS } from "./detect-run.js";
import { detectScenario } from "./detect-scenario.js";

/**
 * Ping's bounds. Detection: the first round after the crash starts within one
 * interval and times out `probeTimeoutMs` later (+1 ms). Recovery: three
 * rounds (two may lose a probe or its answer on the 1%-loss network) plus a
 * round trip at the latency bound (+1 ms).
 */
export function pingBounds(c: PingConfig): { detectMs: number; recoverMs: number } {
  const latencyMs = DETECT_ASSUMPTIONS.latencyBoundMs;
  return {
    detectMs: c.intervalMs + c.probeTimeoutMs + 1,
    recoverMs: 3 * c.intervalMs + 2 * latencyMs + 1,
  };
}

/** `detect-ping`: request/response rounds every 100 ms with a 300 ms timeout per probe. */
export const detectPingScenario = detectScenario({
  name: "detect-ping",
  summary: `ping rounds (100 ms, 300 ms probe timeout); every crash suspected by every live member within ${pingBounds(PING_DEFAULTS).detectMs} ms`,
  protocol: pingProtocol,
  config: () => PING_DEFAULTS,
  bounds: () => pingBounds(PING_DEFAULTS),
});
