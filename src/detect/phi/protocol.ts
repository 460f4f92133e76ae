import type { NodeId, Protocol } from "../../core/index.js";
import {
  type HeartbeatMsg,
  type HeartbeatTimer,
  validateHeartbeatMsg,
} from "../heartbeat/messages.js";
import { checkPhiConfig, PHI_DEFAULTS, type PhiConfig } from "./config.js";
import { PhiNode } from "./node.js";

/** The φ accrual detector (normal as Akka, or exponential as Cassandra) over all-to-all heartbeats. */
export const phiProtocol: Protocol<HeartbeatMsg, HeartbeatTimer, PhiConfig> = {
  name: "phi",
  summary: "phi-accrual: suspicion level from the inter-arrival distribution of heartbeats",
  defaults: PHI_DEFAULTS,
  checkConfig: checkPhiConfig,
  create(_id: NodeId, config: PhiConfig): PhiNode {
    const problem = checkPhiConfig(config);
    if (problem !== undefined) throw new RangeError(`phi config: ${problem}`);
    return new PhiNode(config);
  },
  validate: validateHeartbeatMsg,
};
