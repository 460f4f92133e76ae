import type { NodeId } from "../core/ids.js";
import type { Protocol } from "../core/protocol.js";
import { checkRaftConfig, RAFT_DEFAULTS, type RaftConfig } from "./config.js";
import { GroupCommitNode, type GroupCommitTimer } from "./group-commit-node.js";
import { type IntegrityNode, type Sealed, sealedProblem, withIntegrity } from "./integrity.js";
import { type RaftMessage, raftMessageProblem } from "./messages.js";
import { RaftNode, type RaftTimer } from "./node.js";

/** A Raft message on the wire: the message and the CRC32C its receiver checks. */
export type RaftWireMessage = Sealed<RaftMessage>;

/** Why `msg` is not a well-formed sealed Raft message (within the default limits), or undefined. */
export function raftWireProblem(msg: unknown): string | undefined {
  return sealedProblem(msg, (body) => raftMessageProblem(body, RAFT_DEFAULTS));
}

/**
 * Raft consensus running a replicated key-value state machine: leader
 * election with pre-vote and check-quorum, pipelined log replication with
 * flow control, client sessions for exactly-once writes, ReadIndex reads.
 * Every message carries a CRC32C of its content that the receiver checks
 * (`withIntegrity`), so a corrupted message is dropped, never acted on. Syncs
 * are group-committed (`GroupCommitNode`): one fsync for a burst of handlers,
 * with every message held until the writes before it are durable.
 * `validate` checks the envelope, every field and the limits of the default
 * config.
 */
export const raftProtocol: Protocol<RaftWireMessage, GroupCommitTimer<RaftTimer>, RaftConfig> = {
  name: "raft",
  summary:
    "Raft consensus with a replicated key-value state machine (pre-vote, check-quorum, ReadIndex, checksummed messages)",
  defaults: RAFT_DEFAULTS,
  checkConfig: checkRaftConfig,
  create(id: NodeId, config: RaftConfig): IntegrityNode<RaftMessage, GroupCommitTimer<RaftTimer>> {
    const problem = checkRaftConfig(config);
    if (problem !== undefined) throw new Error(`raft config: ${problem}`);
    return withIntegrity(new GroupCommitNode(new RaftNode(id, config)));
  },
  validate: raftWireProblem,
};
