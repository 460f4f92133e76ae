export type { HeartbeatConfig } from "./heartbeat/config.js";
export {
  checkHeartbeatConfig,
  HEARTBEAT_DEFAULTS,
  HEARTBEAT_LIMITS,
} from "./heartbeat/config.js";
export type { HeartbeatMsg, HeartbeatTimer } from "./heartbeat/messages.js";
export { validateHeartbeatMsg } from "./heartbeat/messages.js";
export { HeartbeatNode } from "./heartbeat/node.js";
export { heartbeatProtocol } from "./heartbeat/protocol.js";
export type { SwimConfig } from "./swim/config.js";
export { checkSwimConfig, SWIM_DEFAULTS, SWIM_LIMITS, SWIM_PLAIN } from "./swim/config.js";
export type { SwimMsg, SwimState, SwimTimer, SwimUpdate } from "./swim/messages.js";
export { validateSwimMsg } from "./swim/messages.js";
export { SwimNode } from "./swim/node.js";
export { swimProtocol } from "./swim/protocol.js";
export type { DetectorEvent, DetectorNode, MemberState, MemberView } from "./types.js";
