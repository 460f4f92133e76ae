export type {
  DetectionBounds,
  DetectionRun,
  Outage,
  TimedEvent,
  Window,
} from "./check/detection.js";
export {
  accuracyViolations,
  accusesAt,
  completenessViolations,
  detectionViolations,
} from "./check/detection.js";
export type { FuseConfig } from "./fuse/config.js";
export { checkFuseConfig, FUSE_DEFAULTS } from "./fuse/config.js";
export type { FuseMsg, FuseTimer, GroupId } from "./fuse/messages.js";
export { compareGroups, validateFuseMsg } from "./fuse/messages.js";
export { FuseNode } from "./fuse/node.js";
export { fuseProtocol } from "./fuse/protocol.js";
export type { GossipConfig } from "./gossip/config.js";
export { checkGossipConfig, GOSSIP_DEFAULTS, GOSSIP_LIMITS } from "./gossip/config.js";
export type { GossipEntry, GossipMsg, GossipTimer } from "./gossip/messages.js";
export { validateGossipMsg } from "./gossip/messages.js";
export { GossipNode } from "./gossip/node.js";
export { gossipDetectorProtocol } from "./gossip/protocol.js";
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
export type { MembershipEvent, MembershipListener } from "./membership.js";
export { MEMBERSHIP_HISTORY_MAX, Membership, withMembership } from "./membership.js";
export type { PhiConfig } from "./phi/config.js";
export { checkPhiConfig, PHI_DEFAULTS, PHI_LIMITS } from "./phi/config.js";
export { PhiNode } from "./phi/node.js";
export {
  crossingExponentialMs,
  crossingNormalMs,
  crossingY,
  phiExponential,
  phiNormal,
} from "./phi/phi.js";
export { phiProtocol } from "./phi/protocol.js";
export { ArrivalWindow } from "./phi/window.js";
export type { PingConfig } from "./ping/config.js";
export { checkPingConfig, PING_DEFAULTS, PING_LIMITS } from "./ping/config.js";
export type { PingMsg, PingTimer } from "./ping/messages.js";
export { validatePingMsg } from "./ping/messages.js";
export { PingNode } from "./ping/node.js";
export { pingProtocol } from "./ping/protocol.js";
export type { SwimConfig } from "./swim/config.js";
export { checkSwimConfig, SWIM_DEFAULTS, SWIM_LIMITS, SWIM_PLAIN } from "./swim/config.js";
export type { SwimMsg, SwimState, SwimTimer, SwimUpdate } from "./swim/messages.js";
export { validateSwimMsg } from "./swim/messages.js";
export { SwimNode } from "./swim/node.js";
export { swimProtocol } from "./swim/protocol.js";
export type { HbConfig } from "./timeout-free/config.js";
export { checkHbConfig, HB_DEFAULTS } from "./timeout-free/config.js";
export { RetransmitGate, StallDecision } from "./timeout-free/decision.js";
export type { HbMsg, HbTimer } from "./timeout-free/messages.js";
export { validateHbMsg } from "./timeout-free/messages.js";
export { TimeoutFreeNode } from "./timeout-free/node.js";
export { timeoutFreeProtocol } from "./timeout-free/protocol.js";
export type { DetectorEvent, DetectorNode, MemberState, MemberView } from "./types.js";
