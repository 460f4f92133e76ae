import { HB_DEFAULTS, type HbConfig } from "../detect/timeout-free/config.js";
import { timeoutFreeProtocol } from "../detect/timeout-free/protocol.js";
import { DETECT_ASSUMPTIONS } from "./detect-run.js";
import { detectScenario } from "./detect-scenario.js";

/**
 * Bounds of the timeout-free detector with its stall helper. Detection: the
 * crashed member's last beats arrive within two hops (relayed), then the
 * helper needs `stalledLooksMax` looks without growth after the first look
 * that missed it: (stalledLooksMax + 1) looks, plus two hops at the latency
 * bound, plus 1 ms. Recovery: four beat intervals (a beat and its relays may
 * be lost on the 1%-loss network) plus one look, two hops and 1 ms.
 */
export function timeoutFreeBounds(c: HbConfig): { detectMs: number; recoverMs: number } {
  const hopsMs = 2 * DETECT_ASSUMPTIONS.latencyBoundMs;
  return {
    detectMs: (c.stalledLooksMax + 1) * c.decideIntervalMs + hopsMs + 1,
    recoverMs: 4 * c.beatIntervalMs + c.decideIntervalMs + hopsMs + 1,
  };
}

/** `detect-timeout-free`: HB counters relayed over paths of two, judged through the stall helper. */
export const detectTimeoutFreeScenario = detectScenario({
  name: "detect-timeout-free",
  summary: `timeout-free heartbeat counters (Aguilera, Chen, Toueg 1997) with a stall helper; every crash suspected by every live member within ${timeoutFreeBounds(HB_DEFAULTS).detectMs} ms`,
  protocol: timeoutFreeProtocol,
  config: () => HB_DEFAULTS,
  bounds: () => timeoutFreeBounds(HB_DEFAULTS),
  // Beats are relayed: a resumed or reconnected relay delivers old beats that still count.
  assumptions: { ...DETECT_ASSUMPTIONS, relayedEvidence: true },
});
