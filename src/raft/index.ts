export { NO_SERVER, RaftAdmin, type RaftAdminOptions } from "./admin.js";
export { RaftClient, type RaftClientOptions } from "./client.js";
export {
  checkRaftConfig,
  RAFT_DEFAULTS,
  type RaftConfig,
  SNAPSHOT_CHUNK_PAIRS_MAX,
} from "./config.js";
export {
  checksumMatches,
  INTEGRITY_DROPPED_METRIC,
  IntegrityNode,
  type IntegrityOptions,
  messageChecksum,
  QUARANTINE_KEY,
  recoveryLostSyncedState,
  type Sealed,
  sealedProblem,
  sealMessage,
  unwrapIntegrity,
  withIntegrity,
} from "./integrity.js";
export {
  type ApplyOutcome,
  isReadOp,
  type KvCommand,
  type KvLimits,
  type KvOp,
  type KvResult,
  type KvSnapshot,
  KvStateMachine,
  type KvStateMachineOptions,
  kvCommandProblem,
  kvOpProblem,
  kvSnapshotProblem,
} from "./kv.js";
export { entryBytes, RaftLog, type Recovered, type Snapshot } from "./log.js";
export {
  applyChange,
  type ConfigCommand,
  changeDone,
  isConfigCommand,
  type Membership,
  type MembershipChange,
  membershipChangeProblem,
  membershipOf,
  membershipProblem,
  membersOf,
  sameMembership,
} from "./membership.js";
export { MembershipLog } from "./membership-log.js";
export {
  type Entry,
  ERROR,
  isPeerMessage,
  type RaftClientMessage,
  type RaftMessage,
  type RaftPeerMessage,
  raftMessageProblem,
} from "./messages.js";
export { RaftNode, type RaftRole, type RaftTimer, type RaftView } from "./node.js";
export { Progress } from "./progress.js";
export { type RaftWireMessage, raftProtocol, raftWireProblem } from "./protocol.js";
export { candidateUpToDate, leaseDurationMs, quorumValue, tallyVotes } from "./quorum.js";
export { HistoryRecorder } from "./recorder.js";
export { type ChunkOutcome, SnapshotAssembler } from "./snapshot-assembler.js";
