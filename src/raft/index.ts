export { RaftClient, type RaftClientOptions } from "./client.js";
export { checkRaftConfig, RAFT_DEFAULTS, type RaftConfig } from "./config.js";
export {
  type ApplyOutcome,
  isReadOp,
  type KvCommand,
  type KvLimits,
  type KvOp,
  type KvResult,
  KvStateMachine,
  kvCommandProblem,
  kvOpProblem,
} from "./kv.js";
export { entryBytes, RaftLog, type Recovered } from "./log.js";
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
export { raftProtocol } from "./protocol.js";
export { HistoryRecorder } from "./recorder.js";
