export type { BroadcastConfig, BroadcastVariant } from "./config.js";
export { BROADCAST_DEFAULTS, BROADCAST_VARIANTS, checkBroadcastConfig } from "./config.js";
export { DeliveredSet } from "./delivered-set.js";
export type { ReadBack } from "./durable.js";
export { BroadcastStore } from "./durable.js";
export type { ElectedOrderMessage, ElectMessage } from "./elected-messages.js";
export { validateElectedOrder } from "./elected-messages.js";
export { ElectedBroadcastNode } from "./elected-node.js";
export type { ElectedOrderHost } from "./elected-order.js";
export { APPEND_WINDOW, ElectedOrder, RESEND_BACKOFF, RETRY_TICKS } from "./elected-order.js";
export type {
  AckMessage,
  BroadcastMessage,
  DataMessage,
  OrderMessage,
  Packet,
  ProgressMessage,
} from "./messages.js";
export { BODY_LENGTH_MAX, isPacket, messageId, packetKey, validateBroadcast } from "./messages.js";
export type { BroadcastTimer } from "./node.js";
export { BroadcastNode, REJOIN_VARIANTS } from "./node.js";
export type { BroadcastJudgement, BroadcastOrdering, TracedEvent } from "./properties.js";
export { judgeBroadcast } from "./properties.js";
export type { BroadcastProtocol } from "./protocol.js";
export {
  bestEffortBroadcastProtocol,
  causalBroadcastProtocol,
  fifoBroadcastProtocol,
  raftBroadcastProtocol,
  reliableBroadcastProtocol,
  snapshotBankProtocol,
  totalBroadcastProtocol,
  totalElectBroadcastProtocol,
} from "./protocol.js";
export type {
  RaftBroadcastConfig,
  RaftBroadcastMessage,
  RaftBroadcastTimer,
} from "./raft-node.js";
export {
  checkRaftBroadcastConfig,
  RAFT_BROADCAST_DEFAULTS,
  RaftBroadcastNode,
  validateRaftBroadcast,
} from "./raft-node.js";
export type { SnapshotConfig, SnapshotTimer } from "./snapshot.js";
export { checkSnapshotConfig, SNAPSHOT_DEFAULTS, SnapshotBankNode } from "./snapshot.js";
export type { SnapshotJudgement, SnapshotVerdict } from "./snapshot-check.js";
export { judgeSnapshots } from "./snapshot-check.js";
export type {
  ChannelAckMessage,
  ChannelMessage,
  MarkerMessage,
  SnapshotMessage,
  TransferMessage,
} from "./snapshot-messages.js";
export { validateSnapshot } from "./snapshot-messages.js";
export type { TotalOrderHost } from "./total-order.js";
export { TotalOrder } from "./total-order.js";
