import { assert, assertNever } from "../core/assert.js";
import type { NodeId } from "../core/ids.js";
import type { RaftPeerMessage } from "./messages.js";
import { RaftCore } from "./node-core.js";
import { candidateUpToDate, tallyVotes } from "./quorum.js";

/**
 * Elections (§5.2, thesis §9.6): role changes, the election timer, pre-vote
 * and the real vote, the election restriction, and check-quorum's lease
 * that makes a voter that hears a leader ignore campaigns.
 */
export abstract class RaftElection extends RaftCore {
  /** Answers every waiting client: leadership was lost. */
  protected abstract abortPending(why: string): void;

  /** Takes office after winning the vote. */
  protected abstract becomeLeader(): void;

  /** Handles a peer message as a follower. */
  protected abstract stepFollower(from: NodeId, msg: RaftPeerMessage): void;

  protected becomeFollower(term: number, leader: NodeId | null): void {
    const wasLeader = this.role === "leader";
    this.setTerm(term);
    this.resetRole("follower");
    this.leader = leader;
    if (wasLeader) this.abortPending("leadership lost");
    this.announce();
  }

  protected becomePreCandidate(): void {
    assert(this.role !== "leader", "raft: a leader cannot pre-campaign");
    this.resetRole("preCandidate");
    this.leader = null;
    this.announce();
  }

  protected becomeCandidate(): void {
    assert(this.role !== "leader", "raft: a leader cannot campaign");
    this.setTerm(this.term + 1);
    this.resetRole("candidate");
    this.vote = this.id;
    this.log.saveHardState(this.term, this.vote);
    this.leader = null;
    this.announce();
  }

  protected tickElection(): void {
    this.electionElapsed++;
    if (!this.selfVoter) {
      // A server that does not vote never campaigns. Once it has heard no leader for two
      // election timeouts it stops naming one: a removed server's stale hint, echoed by
      // another removed server, would send clients round in circles.
      if (this.leader !== null && this.electionElapsed >= 2 * this.config.electionTicks)
        this.leader = null;
      return;
    }
    if (this.electionElapsed >= this.electionTimeoutTicks) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  /** Campaigns, unless this server does not vote in the configuration in force (a learner, a spare, a removed server). */
  protected hup(transfer: boolean): void {
    if (!this.selfVoter) return;
    if (this.config.preVote && !transfer) {
      this.becomePreCandidate();
      this.requestVotes("preVote", this.term + 1, false);
    } else {
      this.becomeCandidate();
      this.requestVotes("requestVote", this.term, transfer);
    }
  }

  protected requestVotes(type: "preVote" | "requestVote", term: number, transfer: boolean): void {
    this.votes.set(this.id, true);
    if (this.tally() === "won") {
      this.winPhase();
      return;
    }
    const lastLogIndex = this.log.lastIndex();
    const lastLogTerm = this.log.lastTerm();
    for (const peer of this.voters) {
      if (type === "preVote") this.send(peer, { type, term, lastLogIndex, lastLogTerm });
      else this.send(peer, { type, term, lastLogIndex, lastLogTerm, transfer });
    }
  }

  protected tally(): "won" | "lost" | "pending" {
    return tallyVotes(this.votes, this.quorum, this.voters.length + 1);
  }

  protected winPhase(): void {
    if (this.role === "preCandidate") {
      this.becomeCandidate();
      this.requestVotes("requestVote", this.term, false);
    } else {
      this.becomeLeader();
    }
  }

  /** The election restriction (§5.4.1): grant only to a log at least as up to date as ours. */
  protected logUpToDate(lastLogIndex: number, lastLogTerm: number): boolean {
    const voter = { lastIndex: this.log.lastIndex(), lastTerm: this.log.lastTerm() };
    return candidateUpToDate({ lastLogIndex, lastLogTerm }, voter);
  }

  protected handleVoteRequest(
    from: NodeId,
    msg: Extract<RaftPeerMessage, { type: "preVote" | "requestVote" }>,
  ): void {
    const pre = msg.type === "preVote";
    // Any server answers, whatever its own configuration (thesis §4.2.3): only a
    // candidate whose configuration makes it a voter asks, and one it does not
    // yet know promoted it (a learner whose promotion entry has not arrived)
    // must answer, or that configuration could never elect a leader.
    const canVote =
      this.vote === from ||
      (this.vote === null && this.leader === null) ||
      (pre && msg.term > this.term);
    const reply = pre ? "preVoteOk" : "requestVoteOk";
    if (canVote && this.logUpToDate(msg.lastLogIndex, msg.lastLogTerm)) {
      this.send(from, { type: reply, term: msg.term, granted: true });
      if (!pre) {
        assert(
          msg.term === this.term,
          () => `raft: vote for term ${msg.term} in term ${this.term}`,
        );
        assert(
          this.vote === null || this.vote === from,
          () => `raft: second vote in term ${this.term}`,
        );
        this.electionElapsed = 0;
        this.vote = from;
        this.log.saveHardState(this.term, this.vote);
      }
    } else {
      this.send(from, { type: reply, term: this.term, granted: false });
    }
  }

  /** Check-quorum's lease: a voter that heard from a leader within the minimum election timeout ignores campaigns. */
  protected inLease(): boolean {
    return (
      this.config.checkQuorum &&
      this.leader !== null &&
      this.electionElapsed < this.config.electionTicks
    );
  }

  protected stepCandidate(from: NodeId, msg: RaftPeerMessage): void {
    switch (msg.type) {
      case "appendEntries":
      case "heartbeat":
      case "installSnapshot":
        // A leader exists in this term: it won; follow it.
        this.becomeFollower(this.term, from);
        this.stepFollower(from, msg);
        return;
      case "preVoteOk":
      case "requestVoteOk": {
        const mine = this.role === "preCandidate" ? "preVoteOk" : "requestVoteOk";
        // Only voters of this configuration count: a learner's or a stranger's grant is no vote.
        if (msg.type !== mine || !this.voters.includes(from)) return;
        this.votes.set(from, msg.granted);
        const outcome = this.tally();
        if (outcome === "won") this.winPhase();
        else if (outcome === "lost") this.becomeFollower(this.term, null);
        return;
      }
      case "timeoutNow":
      case "preVote":
      case "requestVote":
      case "appendEntriesOk":
      case "heartbeatOk":
      case "installSnapshotOk":
        return;
      default:
        assertNever(msg, "message");
    }
  }
}
