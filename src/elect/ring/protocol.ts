import type { NodeId, Protocol } from "../../core/index.js";
import type { HeartbeatTimer } from "../../detect/index.js";
import { checkRingConfig, RING_DEFAULTS, type RingConfig } from "./config.js";
import { type RingMsg, type RingTimer, validateRingMsg } from "./messages.js";
import { RingNode } from "./node.js";

/**
 * The ring leader election with skipping on a heartbeat detector: the highest
 * live id leads; events `leader`, `believe-leader`, `step-down`, `leader-lost`.
 */
export const ringProtocol: Protocol<RingMsg, HeartbeatTimer | RingTimer, RingConfig> = {
  name: "elect-ring",
  summary:
    "ring leader election (Chang & Roberts 1979) skipping unreachable successors: the highest live id leads",
  defaults: RING_DEFAULTS,
  checkConfig: checkRingConfig,
  create(_id: NodeId, config: RingConfig): RingNode {
    const problem = checkRingConfig(config);
    if (problem !== undefined) throw new RangeError(`elect-ring config: ${problem}`);
    return new RingNode(config);
  },
  validate: validateRingMsg,
};
