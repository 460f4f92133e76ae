import type { NodeId, Protocol } from "../../core/index.js";
import { checkHbConfig, HB_DEFAULTS, type HbConfig } from "./config.js";
import { type HbMsg, type HbTimer, validateHbMsg } from "./messages.js";
import { TimeoutFreeNode } from "./node.js";

/** The timeout-free heartbeat detector HB with its stall decision helper. */
export const timeoutFreeProtocol: Protocol<HbMsg, HbTimer, HbConfig> = {
  name: "timeout-free",
  summary:
    "timeout-free heartbeat (Aguilera, Chen, Toueg 1997): counters along paths; the app decides",
  defaults: HB_DEFAULTS,
  checkConfig: checkHbConfig,
  create(_id: NodeId, config: HbConfig): TimeoutFreeNode {
    const problem = checkHbConfig(config);
    if (problem !== undefined) throw new RangeError(`timeout-free config: ${problem}`);
    return new TimeoutFreeNode(config);
  },
  validate: validateHbMsg,
};
