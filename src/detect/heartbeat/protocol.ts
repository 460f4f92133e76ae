import type { NodeId, Protocol } from "../../core/index.js";
import { checkHeartbeatConfig, HEARTBEAT_DEFAULTS, type HeartbeatConfig } from "./config.js";
import { type HeartbeatMsg, type HeartbeatTimer, validateHeartbeatMsg } from "./messages.js";
import { HeartbeatNode } from "./node.js";

/**
 * The heartbeat membership protocol: all-to-all heartbeats, a fixed deadline,
 * `suspect` / `trust` events. Runs unchanged in the simulator and on the real host.
 */
export const heartbeatProtocol: Protocol<HeartbeatMsg, HeartbeatTimer, HeartbeatConfig> = {
  name: "heartbeat",
  summary: "all-to-all heartbeats; a peer silent past a fixed deadline is suspected",
  defaults: HEARTBEAT_DEFAULTS,
  checkConfig: checkHeartbeatConfig,
  create(_id: NodeId, config: HeartbeatConfig): HeartbeatNode {
    const problem = checkHeartbeatConfig(config);
    if (problem !== undefined) throw new RangeError(`heartbeat config: ${problem}`);
    return new HeartbeatNode(config);
  },
  validate: validateHeartbeatMsg,
};
