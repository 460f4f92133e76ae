import type { NodeId, Protocol } from "../../core/index.js";
import { checkSwimConfig, SWIM_DEFAULTS, type SwimConfig } from "./config.js";
import { type SwimMsg, type SwimTimer, validateSwimMsg } from "./messages.js";
import { SwimNode } from "./node.js";

/** SWIM with the Lifeguard extensions (each switchable in the config). */
export const swimProtocol: Protocol<SwimMsg, SwimTimer, SwimConfig> = {
  name: "swim",
  summary: "SWIM: randomized probes, indirect ping-req, suspicion with incarnations, Lifeguard",
  defaults: SWIM_DEFAULTS,
  checkConfig: checkSwimConfig,
  create(_id: NodeId, config: SwimConfig): SwimNode {
    const problem = checkSwimConfig(config);
    if (problem !== undefined) throw new RangeError(`swim config: ${problem}`);
    return new SwimNode(config);
  },
  validate: validateSwimMsg,
};
