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
export type { DetectorEvent, DetectorNode, MemberState, MemberView } from "./types.js";
