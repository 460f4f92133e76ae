import { detectionViolations } from "../detect/check/detection.js";
import { HEARTBEAT_DEFAULTS, type HeartbeatConfig } from "../detect/heartbeat/config.js";
import type { HeartbeatMsg, HeartbeatTimer } from "../detect/heartbeat/messages.js";
import { heartbeatProtocol } from "../detect/heartbeat/protocol.js";
import type { Scenario } from "../sim/scenario.js";
import { DETECT_ASSUMPTIONS, detectionRunOf } from "./detect-run.js";

/** The heartbeat scenario's detector settings: memberlist-like 100 ms heartbeats, 500 ms deadline. */
export const HEARTBEAT_SCENARIO_CONFIG: HeartbeatConfig = HEARTBEAT_DEFAULTS;

/**
 * The bounds the heartbeat detector is judged by. A crash is suspected by
 * every live member within the deadline plus the latest a heartbeat sent just
 * before the crash can arrive (the latency bound) plus 1 ms of timer slack;
 * after the last fault heals, every live member is trusted again within one
 * interval (one more per heartbeat the network may still lose: `lossesTolerated`)
 * plus the latency bound plus 1 ms.
 */
export function heartbeatBounds(
  config: HeartbeatConfig,
  lossesTolerated = 0,
): { detectMs: number; recoverMs: number } {
  const latencyMs = DETECT_ASSUMPTIONS.latencyBoundMs;
  return {
    detectMs: config.deadlineMs + latencyMs + 1,
    recoverMs: (1 + lossesTolerated) * config.intervalMs + latencyMs + 1,
  };
}

/**
 * Builds a heartbeat scenario around `create` (the real detector, or a planted
 * bug for proving the check catches it).
 */
export function heartbeatScenarioOf(
  name: string,
  protocol: typeof heartbeatProtocol,
  config: HeartbeatConfig,
): Scenario<HeartbeatMsg, HeartbeatTimer> {
  const bounds = heartbeatBounds(config);
  return {
    name,
    summary: `all-to-all heartbeats (${config.intervalMs} ms, deadline ${config.deadlineMs} ms) under crash, partition and loss; every crash suspected by every live member within ${bounds.detectMs} ms, every live member trusted again ${bounds.recoverMs} ms after the last heal`,
    defaults: {
      nodes: 5,
      durationMs: 20_000,
      nemesis: { verbs: ["crash", "partition", "loss"], ratePerSec: 0.5 },
    },
    nodesMin: 2,
    nodesMax: 1000,
    create: (id) => protocol.create(id, config),
    validate: (msg) => protocol.validate(msg),
    check: (run) => detectionViolations(detectionRunOf(run, bounds.detectMs), bounds),
  };
}

/** `heartbeat`: issue 2's first protocol, judged on completeness within a bound and accuracy after heals. */
export const heartbeatScenario = heartbeatScenarioOf(
  "heartbeat",
  heartbeatProtocol,
  HEARTBEAT_SCENARIO_CONFIG,
);
