import type { NodeId } from "../core/ids.js";
import { isReadOp } from "./kv.js";
import { isConfigCommand } from "./membership.js";
import { ERROR, type RaftClientMessage } from "./messages.js";
import { RaftMembership } from "./node-membership.js";

/**
 * The key-value state machine behind the log: applying committed entries and
 * answering their writers, taking client requests, and failing what is
 * pending when leadership is lost. Administrators' membership changes are
 * routed to the layer below.
 */
export abstract class RaftStateMachine extends RaftMembership {
  protected applyCommitted(): void {
    while (this.appliedIndex < this.commitIndex) {
      const entry = this.log.entry(this.appliedIndex + 1);
      this.appliedIndex = entry.index;
      const data = entry.data;
      if (data === null) continue;
      if (isConfigCommand(data)) {
        this.changeApplied({ ...entry, data });
        continue;
      }
      const outcome = this.kv.apply(data, entry.index);
      const waiter = this.pendingWrites.get(entry.index);
      if (waiter === undefined) continue;
      this.pendingWrites.delete(entry.index);
      if (waiter.term !== entry.term) {
        this.replyError(waiter.from, waiter.msgId, ERROR.unknown, "entry replaced; retry", false);
      } else if (outcome.kind === "applied") {
        this.send(waiter.from, { type: "kvOk", inReplyTo: waiter.msgId, result: outcome.result });
      } else if (outcome.kind === "expired") {
        this.replyError(waiter.from, waiter.msgId, ERROR.sessionExpired, "session expired", true);
      } else {
        this.replyError(
          waiter.from,
          waiter.msgId,
          ERROR.malformed,
          `stale sequence number (session at ${outcome.lastSeq})`,
          true,
        );
      }
    }
    this.advanceReads();
    this.maybeSnapshot();
  }

  protected stepClient(from: NodeId, msg: RaftClientMessage): void {
    if (msg.type === "membership") {
      if (this.role !== "leader")
        this.replyError(from, msg.msgId, ERROR.notLeader, "not the leader", true);
      else this.proposeChange(from, msg.msgId, msg.change);
      return;
    }
    if (msg.type !== "kv") return;
    if (this.role !== "leader") {
      this.replyError(from, msg.msgId, ERROR.notLeader, "not the leader", true);
      return;
    }
    if (isReadOp(msg.op)) this.startRead(from, msg.msgId, msg.op);
    else this.propose(from, msg);
  }

  protected propose(from: NodeId, msg: Extract<RaftClientMessage, { type: "kv" }>): void {
    const cached = this.kv.cached(msg.clientId, msg.seq);
    if (cached !== undefined) {
      this.send(from, { type: "kvOk", inReplyTo: msg.msgId, result: cached });
      return;
    }
    if (this.transferee !== null) {
      this.replyError(from, msg.msgId, ERROR.notLeader, "leadership transfer in progress", true);
      return;
    }
    if (this.log.lastIndex() - this.commitIndex >= this.config.uncommittedEntriesMax) {
      this.replyError(from, msg.msgId, ERROR.overloaded, "too many uncommitted entries", true);
      return;
    }
    const index = this.appendLocal({ clientId: msg.clientId, seq: msg.seq, op: msg.op });
    this.pendingWrites.set(index, { from, msgId: msg.msgId, term: this.term });
    this.maybeCommit();
    this.broadcastAppend();
  }

  protected abortPending(why: string): void {
    for (const waiter of this.pendingWrites.values()) {
      this.replyError(
        waiter.from,
        waiter.msgId,
        ERROR.unknown,
        `${why}; outcome unknown, retry`,
        false,
      );
    }
    this.pendingWrites.clear();
    for (const read of this.pendingReads)
      this.replyError(read.from, read.msgId, ERROR.notLeader, why, true);
    this.pendingReads = [];
    this.abortChanges(why);
  }
}
