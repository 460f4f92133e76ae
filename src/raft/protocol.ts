import type { NodeId } from "../core/ids.js";
import type { Protocol } from "../core/protocol.js";
import { checkRaftConfig, RAFT_DEFAULTS, type RaftConfig } from "./config.js";
import { type RaftMessage, raftMessageProblem } from "./messages.js";
import { RaftNode, type RaftTimer } from "./node.js";

/**
 * Raft consensus running a replicated key-value state machine: leader
 * election with pre-vote and check-quorum, pipelined log replication with
 * flow control, client sessions for exactly-once writes, ReadIndex reads.
 * `validate` checks every field and the limits of the default config.
 */
export const raftProtocol: Protocol<RaftMessage, RaftTimer, RaftConfig> = {
  name: "raft",
  summary:
    "Raft consensus with a replicated key-value state machine (pre-vote, check-quorum, ReadIndex)",
  defaults: RAFT_DEFAULTS,
  checkConfig: checkRaftConfig,
  create(id: NodeId, config: RaftConfig): RaftNode {
    const problem = checkRaftConfig(config);
    if (problem !== undefined) throw new Error(`raft config: ${problem}`);
    return new RaftNode(id, config);
  },
  validate(msg: unknown): string | undefined {
    return raftMessageProblem(msg, RAFT_DEFAULTS);
  },
};
