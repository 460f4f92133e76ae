import type { NodeId, Protocol } from "../../core/index.js";
import type { HeartbeatTimer } from "../../detect/index.js";
import { BULLY_DEFAULTS, type BullyConfig, checkBullyConfig } from "./config.js";
import { type BullyMsg, type BullyTimer, validateBullyMsg } from "./messages.js";
import { BullyNode } from "./node.js";

/**
 * The bully leader election on a heartbeat detector: the highest live id
 * leads; events `leader`, `believe-leader`, `step-down`, `leader-lost`.
 */
export const bullyProtocol: Protocol<BullyMsg, HeartbeatTimer | BullyTimer, BullyConfig> = {
  name: "elect-bully",
  summary: "bully leader election (Garcia-Molina 1982) on heartbeats: the highest live id leads",
  defaults: BULLY_DEFAULTS,
  checkConfig: checkBullyConfig,
  create(_id: NodeId, config: BullyConfig): BullyNode {
    const problem = checkBullyConfig(config);
    if (problem !== undefined) throw new RangeError(`elect-bully config: ${problem}`);
    return new BullyNode(config);
  },
  validate: validateBullyMsg,
};
