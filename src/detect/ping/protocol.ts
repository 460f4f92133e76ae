import type { NodeId, Protocol } from "../../core/index.js";
import { checkPingConfig, PING_DEFAULTS, type PingConfig } from "./config.js";
import { type PingMsg, type PingTimer, validatePingMsg } from "./messages.js";
import { PingNode } from "./node.js";

/** Ping failure detection: request/response rounds with a timeout per probe. */
export const pingProtocol: Protocol<PingMsg, PingTimer, PingConfig> = {
  name: "ping",
  summary: "periodic ping rounds; a peer that misses a round's probe timeout is suspected",
  defaults: PING_DEFAULTS,
  checkConfig: checkPingConfig,
  create(_id: NodeId, config: PingConfig): PingNode {
    const problem = checkPingConfig(config);
    if (problem !== undefined) throw new RangeError(`ping config: ${problem}`);
    return new PingNode(config);
  },
  validate: validatePingMsg,
};
