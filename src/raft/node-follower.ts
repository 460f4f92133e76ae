import { assert, assertNever } from "../core/assert.js";
import type { NodeId } from "../core/ids.js";
import type { RaftPeerMessage } from "./messages.js";
import { RaftReplication } from "./node-leader.js";

/**
 * The follower's side of replication (§5.3): AppendEntries with the log
 * matching check and conflict hints, heartbeats carrying the commit index.
 */
export abstract class RaftFollower extends RaftReplication {
  /** Collects a snapshot chunk from the leader. */
  protected abstract handleInstallSnapshot(
    from: NodeId,
    msg: Extract<RaftPeerMessage, { type: "installSnapshot" }>,
  ): void;

  protected stepFollower(from: NodeId, msg: RaftPeerMessage): void {
    switch (msg.type) {
      case "appendEntries":
        this.hearLeader(from);
        this.handleAppend(from, msg);
        return;
      case "heartbeat":
        this.hearLeader(from);
        this.handleHeartbeat(from, msg);
        return;
      case "installSnapshot":
        this.hearLeader(from);
        this.handleInstallSnapshot(from, msg);
        return;
      case "timeoutNow":
        this.hup(true);
        return;
      case "preVote":
      case "requestVote":
      case "preVoteOk":
      case "requestVoteOk":
      case "appendEntriesOk":
      case "heartbeatOk":
      case "installSnapshotOk":
        return;
      default:
        assertNever(msg, "message");
    }
  }

  protected hearLeader(from: NodeId): void {
    this.electionElapsed = 0;
    this.leader = from;
  }

  protected handleAppend(
    from: NodeId,
    msg: Extract<RaftPeerMessage, { type: "appendEntries" }>,
  ): void {
    if (msg.prevLogIndex < this.commitIndex) {
      // Everything up to our commit index matches any leader's log (§5.4).
      this.send(from, {
        type: "appendEntriesOk",
        term: this.term,
        success: true,
        index: this.commitIndex,
        conflictTerm: 0,
        conflictIndex: 0,
      });
      return;
    }
    if (!this.log.matchTerm(msg.prevLogIndex, msg.prevLogTerm)) {
      this.rejectAppend(from, msg.prevLogIndex);
      return;
    }
    for (const entry of msg.entries) {
      if (entry.index <= this.log.lastIndex()) {
        if (this.log.term(entry.index) === entry.term) continue;
        assert(
          entry.index > this.commitIndex,
          () => `raft: would truncate committed entry ${entry.index} (commit ${this.commitIndex})`,
        );
        this.truncateLog(entry.index);
      }
      this.appendEntry(entry);
    }
    const lastNew = msg.prevLogIndex + msg.entries.length;
    this.commitTo(Math.min(msg.leaderCommit, lastNew));
    this.send(from, {
      type: "appendEntriesOk",
      term: this.term,
      success: true,
      index: lastNew,
      conflictTerm: 0,
      conflictIndex: 0,
    });
  }

  /** Rejects with hints so the leader skips a whole conflicting term per round trip (§5.3, thesis §5.3). */
  protected rejectAppend(from: NodeId, prevLogIndex: number): void {
    let conflictTerm = 0;
    let conflictIndex = this.log.lastIndex() + 1;
    if (prevLogIndex <= this.log.lastIndex()) {
      conflictTerm = this.log.term(prevLogIndex);
      conflictIndex = this.log.firstIndexOfTerm(prevLogIndex, this.commitIndex + 1);
    }
    this.send(from, {
      type: "appendEntriesOk",
      term: this.term,
      success: false,
      index: prevLogIndex,
      conflictTerm,
      conflictIndex,
    });
  }

  protected handleHeartbeat(
    from: NodeId,
    msg: Extract<RaftPeerMessage, { type: "heartbeat" }>,
  ): void {
    this.commitTo(Math.min(msg.commit, this.log.lastIndex()));
    this.send(from, {
      type: "heartbeatOk",
      term: this.term,
      readSeq: msg.readSeq,
      sentAt: msg.sentAt,
    });
  }

  protected ackAppend(to: NodeId, index: number): void {
    this.send(to, {
      type: "appendEntriesOk",
      term: this.term,
      success: true,
      index,
      conflictTerm: 0,
      conflictIndex: 0,
    });
  }
}
