import { assert, assertNever } from "../core/assert.js";
import type { NodeId } from "../core/ids.js";
import type { Entry, RaftMessage, RaftPeerMessage } from "./messages.js";
import { RaftElection } from "./node-election.js";
import type { Progress } from "./progress.js";
import { quorumValue } from "./quorum.js";

/**
 * The leader's side of log replication (§5.3, thesis §10.2): taking office,
 * pipelined AppendEntries under flow control, back-tracking from conflict
 * hints, heartbeats, check-quorum, stall detection, the current-term commit
 * rule (§5.4.2) and leadership transfer (thesis §3.10).
 */
export abstract class RaftReplication extends RaftElection {
  /** Sends the next chunk of the snapshot to a follower that needs compacted entries. */
  protected abstract sendSnapshot(peer: NodeId, pr: Progress): boolean;

  /** A follower asks for the next snapshot chunk. */
  protected abstract handleSnapshotProgress(
    from: NodeId,
    msg: Extract<RaftPeerMessage, { type: "installSnapshotOk" }>,
  ): void;

  /** Answers the reads whose ReadIndex round is confirmed and applied. */
  protected abstract advanceReads(): void;

  /** Applies committed entries to the state machine. */
  protected abstract applyCommitted(): void;

  /**
   * Leadership transfer (thesis §3.10): stops taking writes, brings `target`'s
   * log up to date, then tells it to campaign at once (TimeoutNow), skipping
   * pre-vote and the voters' lease. Gives up after an election timeout.
   */
  transferLeadership(target: NodeId): void {
    const pr = this.progress.get(target);
    if (this.role !== "leader" || pr === undefined || !pr.voter) return;
    this.transferee = target;
    this.transferElapsed = 0;
    if (pr.match === this.log.lastIndex())
      this.send(target, this.revokeLease({ type: "timeoutNow", term: this.term }));
    else {
      // Resend from what the target is known to hold: earlier appends may be lost.
      pr.next = pr.match + 1;
      pr.becomeProbe();
      this.sendAppends(target);
    }
    this.flush();
  }

  protected becomeLeader(): void {
    assert(this.role === "candidate", () => `raft: became leader from ${this.role}`);
    this.resetRole("leader");
    this.leader = this.id;
    for (const peer of this.peers)
      this.progress.set(peer, this.newProgress(this.voters.includes(peer)));
    // A leader commits nothing of earlier terms until it commits an entry of its own (§5.4.2, §8).
    this.appendLocal(null);
    this.announce();
    this.maybeCommit();
    this.broadcastAppend();
  }

  protected tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.config.electionTicks) {
      this.electionElapsed = 0;
      if (this.config.checkQuorum && !this.quorumActive()) {
        this.env.log.info("raft: stepping down, no quorum heard", { term: this.term });
        this.becomeFollower(this.term, null);
        return;
      }
    }
    if (this.transferee !== null && ++this.transferElapsed >= this.config.electionTicks) {
      this.env.log.info("raft: leadership transfer timed out", { to: this.transferee });
      this.transferee = null;
    }
    // Heartbeats first: a probe sent after them is not resent by their answers.
    if (this.heartbeatElapsed >= this.config.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.broadcastHeartbeat();
    }
    this.detectStalls();
  }

  /** Check-quorum: true when a quorum (this leader included) was heard from since the last round; resets the round. */
  protected quorumActive(): boolean {
    let active = this.selfVoter ? 1 : 0;
    for (const pr of this.progress.values()) {
      if (pr.recentActive && pr.voter) active++;
      pr.recentActive = false;
    }
    return active >= this.quorum;
  }

  /** A pipelined follower whose match has not moved for a while lost messages: probe it again. */
  protected detectStalls(): void {
    const last = this.log.lastIndex();
    for (const [peer, pr] of this.progress) {
      if (pr.state !== "replicate" || pr.match >= last) {
        pr.stallTicks = 0;
        continue;
      }
      pr.stallTicks++;
      if (pr.stallTicks >= this.config.replicateStallTicks) {
        pr.stallTicks = 0;
        pr.next = pr.match + 1;
        pr.becomeProbe();
        this.sendAppends(peer);
      }
    }
  }

  protected appendLocal(data: Entry["data"]): number {
    const index = this.log.lastIndex() + 1;
    this.appendEntry({ term: this.term, index, data });
    return index;
  }

  /** Sends to every server the leader replicates to: the members, and those a pending change removes. */
  protected broadcastAppend(): void {
    for (const peer of this.progress.keys()) this.sendAppends(peer);
  }

  /** Sends as many AppendEntries as flow control allows (pipelining), at most inflightCountMax + 1. */
  protected sendAppends(peer: NodeId): void {
    for (let i = 0; i <= this.config.inflightCountMax; i++) {
      if (!this.sendAppend(peer)) return;
    }
  }

  protected sendAppend(peer: NodeId): boolean {
    const pr = this.progress.get(peer);
    if (pr === undefined || pr.paused()) return false;
    if (pr.next <= this.log.snapshotIndex()) return this.sendSnapshot(peer, pr);
    const { entries, bytes } = this.log.slice(
      pr.next,
      this.config.appendEntriesMax,
      this.config.appendBytesMax,
    );
    if (entries.length === 0 && pr.state === "replicate") return false;
    const prevLogIndex = pr.next - 1;
    this.send(peer, {
      type: "appendEntries",
      term: this.term,
      prevLogIndex,
      prevLogTerm: this.log.term(prevLogIndex),
      entries,
      leaderCommit: this.commitIndex,
    });
    const last = entries[entries.length - 1];
    if (pr.state === "replicate" && last !== undefined) pr.sentReplicate(last.index, bytes);
    else pr.sentProbe();
    return pr.state === "replicate";
  }

  protected handleAppendResponse(
    from: NodeId,
    msg: Extract<RaftPeerMessage, { type: "appendEntriesOk" }>,
  ): void {
    const pr = this.progress.get(from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (!msg.success) {
      if (
        pr.maybeDecrement(
          msg.index,
          this.nextFromHint(msg.index, msg.conflictTerm, msg.conflictIndex),
        )
      ) {
        this.sendAppends(from);
      }
      return;
    }
    if (msg.index > this.log.lastIndex()) {
      // Only a corrupt or forged message claims more than the leader sent: drop it.
      this.env.log.warn("raft: acknowledgement beyond the leader's log", {
        from,
        index: msg.index,
        lastIndex: this.log.lastIndex(),
      });
      return;
    }
    if (pr.maybeUpdate(msg.index)) {
      if (pr.state === "probe") pr.becomeReplicate();
      this.maybeCommit();
    } else if (pr.state === "probe") {
      pr.probeSent = false;
    }
    this.sendAppends(from);
    if (from === this.transferee && pr.match === this.log.lastIndex()) {
      this.send(from, this.revokeLease({ type: "timeoutNow", term: this.term }));
    }
  }

  /** Where to probe next after a rejection, from the follower's conflict hints. */
  protected nextFromHint(rejected: number, conflictTerm: number, conflictIndex: number): number {
    if (conflictTerm === 0) return Math.max(1, conflictIndex);
    const i = this.log.lastIndexAtOrBelowTerm(rejected, conflictTerm);
    // Below the snapshot the leader cannot compare terms: the follower will get the snapshot.
    if (i > 0 && i >= this.log.snapshotIndex() && this.log.term(i) === conflictTerm) return i + 1;
    return Math.max(1, conflictIndex);
  }

  protected broadcastHeartbeat(): void {
    for (const [peer, pr] of this.progress) {
      pr.heartbeatsSinceProbe++;
      this.send(peer, {
        type: "heartbeat",
        term: this.term,
        commit: Math.min(pr.match, this.commitIndex),
        readSeq: this.readSeq,
        sentAt: this.env.now(),
      });
    }
  }

  protected handleHeartbeatResponse(
    from: NodeId,
    msg: Extract<RaftPeerMessage, { type: "heartbeatOk" }>,
  ): void {
    const pr = this.progress.get(from);
    if (pr === undefined) return;
    pr.recentActive = true;
    // A probe lost on the way is resent once a heartbeat sent after it is answered.
    if (pr.heartbeatsSinceProbe > 0) pr.probeSent = false;
    // A time stamp beyond what this clock has shown comes from before it was set back: ignore it.
    if (msg.sentAt <= this.clockSeenMs && msg.sentAt > pr.leaseAckAt) pr.leaseAckAt = msg.sentAt;
    if (msg.readSeq > pr.readSeqAcked) pr.readSeqAcked = Math.min(msg.readSeq, this.readSeq);
    if (pr.match < this.log.lastIndex()) this.sendAppends(from);
    this.advanceReads();
  }

  /** Commits the highest index a quorum holds — only if it is of the current term (§5.4.2). */
  protected maybeCommit(): void {
    // A leader removing itself manages the cluster without counting itself (thesis §4.2.2).
    const matches = this.selfVoter ? [this.log.lastIndex()] : [];
    for (const pr of this.progress.values()) if (pr.voter) matches.push(pr.match);
    const candidate = quorumValue(matches, this.quorum);
    if (candidate <= this.commitIndex) return;
    if (this.log.term(candidate) !== this.term && !this.config.unsafeCommitEarlierTerms) return;
    this.commitTo(candidate);
  }

  protected commitTo(index: number): void {
    if (index <= this.commitIndex) return;
    assert(
      index <= this.log.lastIndex(),
      () => `raft: commit ${index} beyond last index ${this.log.lastIndex()}`,
    );
    const changeAt = this.membership.currentIndex();
    const changeCommits = this.commitIndex < changeAt && index >= changeAt;
    this.commitIndex = index;
    // Once a change commits, the servers it removed get nothing more.
    if (changeCommits && this.role === "leader") this.useMembership();
    this.applyCommitted();
  }

  protected stepLeader(from: NodeId, msg: RaftPeerMessage): void {
    switch (msg.type) {
      case "appendEntries":
      case "heartbeat":
      case "installSnapshot":
        assert(
          false,
          () =>
            `raft: election safety: leader n${this.id} of term ${this.term} got ${msg.type} from n${from} of the same term`,
        );
        return;
      case "appendEntriesOk":
        this.handleAppendResponse(from, msg);
        return;
      case "heartbeatOk":
        this.handleHeartbeatResponse(from, msg);
        return;
      case "installSnapshotOk":
        this.handleSnapshotProgress(from, msg);
        return;
      case "timeoutNow":
      case "preVote":
      case "requestVote":
      case "preVoteOk":
      case "requestVoteOk":
        return;
      default:
        assertNever(msg, "message");
    }
  }

  protected revokeLease(msg: RaftMessage): RaftMessage {
    this.leaseRevoked = true;
    return msg;
  }
}
