import type { NodeId, Protocol } from "../../core/index.js";
import { checkFuseConfig, FUSE_DEFAULTS, type FuseConfig } from "./config.js";
import { type FuseMsg, type FuseTimer, validateFuseMsg } from "./messages.js";
import { FuseNode } from "./node.js";

/** FUSE failure-notification groups: any member's failure fails the group, and every live member hears it. */
export const fuseProtocol: Protocol<FuseMsg, FuseTimer, FuseConfig> = {
  name: "fuse",
  summary:
    "FUSE (Dunagan et al. 2004): failure-notification groups; one failure fails the group for all",
  defaults: FUSE_DEFAULTS,
  checkConfig: checkFuseConfig,
  create(_id: NodeId, config: FuseConfig): FuseNode {
    const problem = checkFuseConfig(config);
    if (problem !== undefined) throw new RangeError(`fuse config: ${problem}`);
    return new FuseNode(config);
  },
  validate: validateFuseMsg,
};
