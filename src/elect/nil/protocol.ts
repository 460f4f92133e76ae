import type { NodeId, Protocol } from "../../core/index.js";
import type { HeartbeatTimer } from "../../detect/index.js";
import { checkNilConfig, NIL_DEFAULTS, type NilConfig } from "./config.js";
import { type NilMsg, type NilTimer, validateNilMsg } from "./messages.js";
import { NilNode } from "./node.js";

/**
 * Next-in-line failover on a heartbeat detector: the leader names its
 * alternates; on its failure the first live alternate takes over without an
 * election round. Events `leader`, `believe-leader`, `step-down`, `leader-lost`.
 */
export const nilProtocol: Protocol<NilMsg, HeartbeatTimer | NilTimer, NilConfig> = {
  name: "elect-next-in-line",
  summary:
    "next-in-line failover (Gholipour et al. 2009): the first live alternate the leader named takes over",
  defaults: NIL_DEFAULTS,
  checkConfig: checkNilConfig,
  create(_id: NodeId, config: NilConfig): NilNode {
    const problem = checkNilConfig(config);
    if (problem !== undefined) throw new RangeError(`elect-next-in-line config: ${problem}`);
    return new NilNode(config);
  },
  validate: validateNilMsg,
};
