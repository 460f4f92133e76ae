import { FUSE_DEFAULTS, type FuseConfig } from "../detect/fuse/config.js";
import { fuseProtocol } from "../detect/fuse/protocol.js";
import { DETECT_ASSUMPTIONS } from "./detect-run.js";
import { detectScenario } from "./detect-scenario.js";

/**
 * FUSE's bounds. Detection (the group fails and every live member suspects
 * the crashed one): whoever neighbours the crashed member on the tree hears
 * silence within `silenceMs` plus one ping interval, then the notification
 * takes a hop; if it is lost, silence carries it one more tree level — so two
 * rounds of silence plus a ping interval each, plus two hops at the latency
 * bound, plus 1 ms. Recovery after the last heal: an invitation (every
 * `inviteIntervalMs`), a rebuild, and staggered re-creation when a rebuild
 * races another — three invitation periods (from sweeps, not derived).
 */
export function fuseBounds(
  c: FuseConfig,
  nodeCount: number,
): { detectMs: number; recoverMs: number } {
  const hopsMs = 2 * DETECT_ASSUMPTIONS.latencyBoundMs;
  return {
    detectMs: 2 * (c.silenceMs + c.pingIntervalMs) + hopsMs + 1,
    recoverMs: 3 * c.inviteIntervalMs + (nodeCount + 1) * c.createDelayMs + c.createTimeoutMs,
  };
}

/** `detect-fuse`: FUSE failure-notification groups, rebuilt by the lowest-ranked live member. */
export const detectFuseScenario = detectScenario({
  name: "detect-fuse",
  summary: `FUSE groups (100 ms pings, 400 ms silence); every crash fails the group and is suspected by every live member within ${fuseBounds(FUSE_DEFAULTS, 8).detectMs} ms`,
  protocol: fuseProtocol,
  config: () => FUSE_DEFAULTS,
  bounds: (n) => fuseBounds(FUSE_DEFAULTS, n),
  // A crash fails the group for all; live members are suspected until the next group forms.
  // Its notification takes two hops after the silence is noticed; a latency spike delays each.
  assumptions: { ...DETECT_ASSUMPTIONS, crashDisturbsAll: true, delayedHops: 2 },
});
