import type { NodeId } from "../core/ids.js";
import type { KvOp } from "./kv.js";
import { ERROR } from "./messages.js";
import { RaftSnapshots } from "./node-snapshots.js";
import { leaseDurationMs, quorumValue } from "./quorum.js";

/**
 * Linearizable reads without the log (thesis §6.4): ReadIndex confirmed by a
 * heartbeat round, and the leader lease under the configured drift bound.
 */
export abstract class RaftReads extends RaftSnapshots {
  /** ReadIndex (thesis §6.4): note the commit index, confirm leadership with a heartbeat round, wait to apply it. */
  protected startRead(
    from: NodeId,
    msgId: number,
    op: Extract<KvOp, { op: "get" | "range" }>,
  ): void {
    if (this.log.term(this.commitIndex) !== this.term) {
      this.replyError(
        from,
        msgId,
        ERROR.notLeader,
        "leader has not committed in its term yet",
        true,
      );
      return;
    }
    if (this.pendingReads.length >= this.config.pendingReadsMax) {
      this.replyError(from, msgId, ERROR.overloaded, "too many pending reads", true);
      return;
    }
    if (this.leaseHolds()) {
      this.send(from, { type: "kvOk", inReplyTo: msgId, result: this.kv.read(op) });
      return;
    }
    if (this.config.unsafeLeaderReads) {
      this.send(from, { type: "kvOk", inReplyTo: msgId, result: this.kv.read(op) });
      return;
    }
    this.readSeq++;
    this.pendingReads.push({
      from,
      msgId,
      op,
      readIndex: this.commitIndex,
      seq: this.readSeq,
      confirmed: false,
    });
    this.advanceReads();
  }

  protected advanceReads(): void {
    if (this.pendingReads.length === 0 || this.role !== "leader") return;
    let served = 0;
    for (const read of this.pendingReads) {
      if (!read.confirmed) read.confirmed = this.confirmedRound(read.seq);
      if (!read.confirmed || read.readIndex > this.appliedIndex) break;
      this.send(read.from, { type: "kvOk", inReplyTo: read.msgId, result: this.kv.read(read.op) });
      served++;
    }
    if (served > 0) this.pendingReads = this.pendingReads.slice(served);
  }

  protected confirmedRound(seq: number): boolean {
    let acks = this.selfVoter ? 1 : 0;
    for (const pr of this.progress.values()) if (pr.voter && pr.readSeqAcked >= seq) acks++;
    return acks >= this.quorum;
  }

  /**
   * The leader lease: a quorum (this leader included) acknowledged heartbeats
   * sent at or after `start`, and each of those voters ignores campaigns for
   * electionTicks ticks after it heard one. Allowing one tick for where in a
   * tick the heartbeat landed and one for a clock set forward, and the drift
   * bound both ways, no other leader can exist before the lease ends.
   */
  protected leaseHolds(): boolean {
    if (!this.config.leaseReads || this.leaseRevoked || this.role !== "leader") return false;
    const acks = this.selfVoter ? [this.clockSeenMs] : [];
    for (const pr of this.progress.values()) if (pr.voter) acks.push(pr.leaseAckAt);
    return this.env.now() < quorumValue(acks, this.quorum) + leaseDurationMs(this.config);
  }
}
