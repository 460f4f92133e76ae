export type { BroadcastConfig, BroadcastVariant } from "./config.js";
export { BROADCAST_DEFAULTS, BROADCAST_VARIANTS, checkBroadcastConfig } from "./config.js";
export type {
  AckMessage,
  BroadcastMessage,
  DataMessage,
  OrderMessage,
  Packet,
} from "./messages.js";
export { BODY_LENGTH_MAX, messageId, packetKey, validateBroadcast } from "./messages.js";
export type { BroadcastTimer } from "./node.js";
export { BroadcastNode } from "./node.js";
export type { BroadcastJudgement, BroadcastOrdering, TracedEvent } from "./properties.js";
export { judgeBroadcast } from "./properties.js";
export type { BroadcastProtocol } from "./protocol.js";
export {
  bestEffortBroadcastProtocol,
  causalBroadcastProtocol,
  fifoBroadcastProtocol,
  reliableBroadcastProtocol,
  totalBroadcastProtocol,
} from "./protocol.js";
