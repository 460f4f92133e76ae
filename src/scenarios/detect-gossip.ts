import { GOSSIP_DEFAULTS, type GossipConfig } from "../detect/gossip/config.js";
import { gossipDetectorProtocol } from "../detect/gossip/protocol.js";
import { DETECT_ASSUMPTIONS } from "./detect-run.js";
import { detectScenario } from "./detect-scenario.js";

/**
 * Gossip-style bounds. Detection: T_fail after an observer last saw the
 * crashed member's counter grow, and that final counter spreads by push
 * gossip in O(log n) rounds — 15 rounds are allowed for it (more when members are
 * down and gossip to them is lost; chosen from 200-seed sweeps) — plus the latency
 * bound and 1 ms. Recovery after the last heal: 30 rounds, for random gossip
 * to cross the healed cut and spread (also from sweeps, not derived).
 */
export function gossipBounds(c: GossipConfig): { detectMs: number; recoverMs: number } {
  const latencyMs = DETECT_ASSUMPTIONS.latencyBoundMs;
  return {
    detectMs: c.failMs + 15 * c.gossipIntervalMs + latencyMs + 1,
    recoverMs: 30 * c.gossipIntervalMs,
  };
}

/** `detect-gossip`: van Renesse et al.'s gossip-style detector, T_fail 1.5 s, T_cleanup 3 s. */
export const detectGossipScenario = detectScenario({
  name: "detect-gossip",
  summary: `gossip-style heartbeat counters (100 ms rounds, T_fail 1500 ms); every crash declared failed by every live member within ${gossipBounds(GOSSIP_DEFAULTS).detectMs} ms`,
  protocol: gossipDetectorProtocol,
  config: () => GOSSIP_DEFAULTS,
  bounds: () => gossipBounds(GOSSIP_DEFAULTS),
  // Counters of a member partitioned away keep growing until it crashes; after the heal
  // that fresher evidence revives it at the far side, so its crash is judged from the heal.
  assumptions: { ...DETECT_ASSUMPTIONS, relayedEvidence: true },
});
