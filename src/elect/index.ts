export { ElectionBase, EPOCH_KEY, FOLLOWED_KEY } from "./base.js";
export type { BullyConfig } from "./bully/config.js";
export { BULLY_DEFAULTS, checkBullyConfig } from "./bully/config.js";
export type { BullyElectMsg, BullyMsg, BullyTimer } from "./bully/messages.js";
export { validateBullyMsg } from "./bully/messages.js";
export { BullyNode } from "./bully/node.js";
export { bullyProtocol } from "./bully/protocol.js";
export type { CandidateConfig } from "./candidate/config.js";
export { CANDIDATE_DEFAULTS, checkCandidateConfig } from "./candidate/config.js";
export type { CandidateElectMsg, CandidateMsg, CandidateTimer } from "./candidate/messages.js";
export { validateCandidateMsg } from "./candidate/messages.js";
export { CandidateNode } from "./candidate/node.js";
export { candidateProtocol } from "./candidate/protocol.js";
export type { FencingReplay } from "./check/fencing-replay.js";
export { replayFencing } from "./check/fencing-replay.js";
export type { LeaderView } from "./check/liveness.js";
export { livenessViolations, viewsAt } from "./check/liveness.js";
export type { ElectionLifecycle, ElectionRun, ElectionTimedEvent } from "./check/run.js";
export type { Reign, SplitBrainInterval, SplitBrainReport } from "./check/split-brain.js";
export { reignsOf, splitBrainOf } from "./check/split-brain.js";
export { ELECT_DETECTOR_DEFAULTS } from "./config.js";
export type { ElectionEvent } from "./events.js";
export { ELECTION_EVENT_TYPES } from "./events.js";
export type { FenceVerdict } from "./fence.js";
export { Fence, FencedRegister } from "./fence.js";
export type { InvitationConfig } from "./invitation/config.js";
export { checkInvitationConfig, INVITATION_DEFAULTS } from "./invitation/config.js";
export type {
  InvitationElectMsg,
  InvitationMsg,
  InvitationTimer,
} from "./invitation/messages.js";
export { INVITATION_MEMBERS_MAX, validateInvitationMsg } from "./invitation/messages.js";
export { InvitationNode } from "./invitation/node.js";
export { invitationProtocol } from "./invitation/protocol.js";
export type { NilConfig } from "./nil/config.js";
export { checkNilConfig, NIL_DEFAULTS } from "./nil/config.js";
export type { NilElectMsg, NilMsg, NilTimer } from "./nil/messages.js";
export { NIL_ALTERNATES_MAX, validateNilMsg } from "./nil/messages.js";
export { NilNode } from "./nil/node.js";
export { nilProtocol } from "./nil/protocol.js";
export type { RingConfig } from "./ring/config.js";
export { checkRingConfig, RING_DEFAULTS } from "./ring/config.js";
export type { RingElectMsg, RingMsg, RingTimer } from "./ring/messages.js";
export { RING_LIVE_MAX, validateRingMsg } from "./ring/messages.js";
export { RingNode } from "./ring/node.js";
export { ringProtocol } from "./ring/protocol.js";
