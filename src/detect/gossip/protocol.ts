import type { NodeId, Protocol } from "../../core/index.js";
import { checkGossipConfig, GOSSIP_DEFAULTS, type GossipConfig } from "./config.js";
import { type GossipMsg, type GossipTimer, validateGossipMsg } from "./messages.js";
import { GossipNode } from "./node.js";

/** Gossip-style failure detection: heartbeat-counter lists merged with random members; T_fail, T_cleanup. */
export const gossipDetectorProtocol: Protocol<GossipMsg, GossipTimer, GossipConfig> = {
  name: "gossip-fd",
  summary:
    "gossip-style detection: heartbeat counters spread by gossip; silent past T_fail means failed",
  defaults: GOSSIP_DEFAULTS,
  checkConfig: checkGossipConfig,
  create(_id: NodeId, config: GossipConfig): GossipNode {
    const problem = checkGossipConfig(config);
    if (problem !== undefined) throw new RangeError(`gossip-fd config: ${problem}`);
    return new GossipNode(config);
  },
  validate: validateGossipMsg,
};
