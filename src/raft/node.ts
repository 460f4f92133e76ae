import { assert, assertNever } from "../core/assert.js";
import type { Env } from "../core/env.js";
import type { NodeId } from "../core/ids.js";
import type { ProtocolNode } from "../core/protocol.js";
import type { StoredValue } from "../core/storage.js";
import type { RaftConfig } from "./config.js";
import {
  isReadOp,
  type KvCommand,
  type KvOp,
  type KvSnapshot,
  KvStateMachine,
  kvSnapshotProblem,
} from "./kv.js";
import { RaftLog } from "./log.js";
import {
  type Entry,
  ERROR,
  isPeerMessage,
  type RaftClientMessage,
  type RaftMessage,
  type RaftPeerMessage,
} from "./messages.js";
import { Progress } from "./progress.js";
import { candidateUpToDate, leaseDurationMs, quorumValue, tallyVotes } from "./quorum.js";
import { SnapshotAssembler } from "./snapshotAssembler.js";

/** The only timer a Raft node sets: its clock's tick. */
export type RaftTimer = "tick";

/** A node's role. `preCandidate` is the pre-vote phase of a campaign. */
export type RaftRole = "follower" | "preCandidate" | "candidate" | "leader";

/** What a harness may read of a node to check invariants across nodes; never mutate it. */
export interface RaftView {
  readonly id: NodeId;
  readonly role: RaftRole;
  readonly term: number;
  readonly vote: NodeId | null;
  readonly leader: NodeId | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  /** The log starts after this index (the latest snapshot's; 0 when none)… */
  readonly snapshotIndex: number;
  /** …whose entry had this term. */
  readonly snapshotTerm: number;
  /** The entries after the snapshot: `log[i].index === snapshotIndex + i + 1`. */
  readonly log: readonly Entry[];
}

interface PendingWrite {
  readonly from: NodeId;
  readonly msgId: number;
  readonly term: number;
}

interface PendingRead {
  readonly from: NodeId;
  readonly msgId: number;
  readonly op: Extract<KvOp, { op: "get" | "range" }>;
  readonly readIndex: number;
  readonly seq: number;
  confirmed: boolean;
}

type Outbound = { readonly to: NodeId; readonly msg: RaftMessage };

/**
 * One Raft server (Ongaro & Ousterhout, extended paper and thesis) running the
 * key-value state machine. A pure `ProtocolNode`: it acts only through its
 * `Env`, queues every message of a handler and, before any leaves, syncs the
 * term, vote and log it wrote, so nothing is promised before it is durable.
 *
 * Guarantees, asserted as it runs: the term never decreases, it votes at most
 * once per term, a leader never truncates its own log, commitIndex never
 * decreases nor passes the log, and a leader receiving AppendEntries from
 * another leader of its own term fails the run (election safety).
 */
export class RaftNode implements ProtocolNode<RaftMessage, RaftTimer> {
  private env!: Env<RaftMessage, RaftTimer>;
  private log!: RaftLog;
  /** Every other server: those the leader replicates to. */
  private peers: NodeId[] = [];
  /** The other servers that vote. */
  private voters: NodeId[] = [];
  private isLearner = false;
  private quorum = 1;
  private term = 0;
  private vote: NodeId | null = null;
  private role: RaftRole = "follower";
  private leader: NodeId | null = null;
  private commitIndex = 0;
  private appliedIndex = 0;
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private electionTimeoutTicks = 0;
  private readonly votes = new Map<NodeId, boolean>();
  private readonly progress = new Map<NodeId, Progress>();
  private readonly outbox: Outbound[] = [];
  private readonly pendingWrites = new Map<number, PendingWrite>();
  private pendingReads: PendingRead[] = [];
  private readSeq = 0;
  /** Leadership transfer in progress: the target, and leader ticks since it began. */
  private transferee: NodeId | null = null;
  private transferElapsed = 0;
  /** The latest reading of `env.now()`: a smaller one means the clock was set back. */
  private clockSeenMs = Number.NEGATIVE_INFINITY;
  /** Set once this leader sent TimeoutNow: the target may win without waiting out the lease. */
  private leaseRevoked = false;
  /** A snapshot arriving in chunks. */
  private readonly incoming = new SnapshotAssembler();
  private readonly kv: KvStateMachine;

  /**
   * `members` are the servers; by default the host's whole cluster
   * (`env.cluster`). Pass them when the host also runs clients as nodes.
   * `learners` (a subset of them) receive the log and apply it but never
   * vote, never campaign and never count toward a quorum.
   */
  constructor(
    readonly id: NodeId,
    private readonly config: RaftConfig,
    private readonly members?: readonly NodeId[],
    private readonly learners: readonly NodeId[] = [],
  ) {
    this.kv = new KvStateMachine(config.sessionsMax);
  }

  start(env: Env<RaftMessage, RaftTimer>, recovered: boolean): void {
    assert(env.self === this.id, () => `raft: node ${this.id} started with env of ${env.self}`);
    const members = this.members ?? env.cluster;
    assert(members.includes(this.id), () => `raft: n${this.id} is not in its cluster`);
    this.env = env;
    const voters = members.filter((p) => !this.learners.includes(p));
    assert(voters.length > 0, "raft: a cluster of learners only");
    this.isLearner = this.learners.includes(this.id);
    this.peers = members.filter((p) => p !== this.id);
    this.voters = voters.filter((p) => p !== this.id);
    this.quorum = Math.floor(voters.length / 2) + 1;
    this.log = new RaftLog(env.storage);
    const loaded = this.log.load();
    this.term = loaded.term;
    this.vote = loaded.vote;
    if (loaded.snapshot !== undefined) {
      // A snapshot holds only committed state: it is where commit and apply restart.
      this.restoreState(loaded.snapshot.state as unknown as KvSnapshot, loaded.snapshot.index);
    }
    if (recovered || loaded.entriesDropped > 0) {
      env.log.info("raft: recovered", {
        term: this.term,
        vote: this.vote,
        lastIndex: this.log.lastIndex(),
        entriesDropped: loaded.entriesDropped,
      });
    }
    this.becomeFollower(this.term, null);
    env.setTimer(this.config.tickMs, "tick");
    this.flush();
  }

  onTimer(tag: RaftTimer): void {
    this.observeClock();
    assert(tag === "tick", () => `raft: unknown timer ${String(tag)}`);
    this.env.setTimer(this.config.tickMs, "tick");
    if (this.role === "leader") this.tickLeader();
    else this.tickElection();
    this.flush();
  }

  onMessage(from: NodeId, msg: RaftMessage): void {
    this.observeClock();
    if (isPeerMessage(msg)) {
      if (this.peers.includes(from)) this.stepPeer(from, msg);
    } else {
      this.stepClient(from, msg);
    }
    this.flush();
  }

  /** Starts a campaign now, as if the election timeout had passed (tests, leadership transfer). */
  campaign(): void {
    if (this.role !== "leader") this.hup(false);
    this.flush();
  }

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

  /** The node's state for harnesses and observers; a live read-only view. */
  inspect(): RaftView {
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      vote: this.vote,
      leader: this.leader,
      commitIndex: this.commitIndex,
      appliedIndex: this.appliedIndex,
      snapshotIndex: this.log.snapshotIndex(),
      snapshotTerm: this.log.snapshotTerm(),
      log: this.log.view(),
    };
  }

  /** The state machine's contents, sorted by key (tests). */
  kvEntries(): [string, string][] {
    return this.kv.entries();
  }

  // ---- output ---------------------------------------------------------------

  private send(to: NodeId, msg: RaftMessage): void {
    this.outbox.push({ to, msg });
  }

  /** Persist, then send: the one place messages leave. */
  private flush(): void {
    this.log.sync();
    assert(!this.log.dirty, "raft: sending with unsynced term, vote or log");
    for (const { to, msg } of this.outbox) this.env.send(to, msg);
    this.outbox.length = 0;
  }

  // ---- roles ----------------------------------------------------------------

  private setTerm(term: number): void {
    assert(term >= this.term, () => `raft: term would go back from ${this.term} to ${term}`);
    if (term === this.term) return;
    this.term = term;
    this.vote = null;
    this.log.saveHardState(this.term, this.vote);
  }

  private becomeFollower(term: number, leader: NodeId | null): void {
    const wasLeader = this.role === "leader";
    this.setTerm(term);
    this.resetRole("follower");
    this.leader = leader;
    if (wasLeader) this.abortPending("leadership lost");
    this.announce();
  }

  private becomePreCandidate(): void {
    assert(this.role !== "leader", "raft: a leader cannot pre-campaign");
    this.resetRole("preCandidate");
    this.leader = null;
    this.announce();
  }

  private becomeCandidate(): void {
    assert(this.role !== "leader", "raft: a leader cannot campaign");
    this.setTerm(this.term + 1);
    this.resetRole("candidate");
    this.vote = this.id;
    this.log.saveHardState(this.term, this.vote);
    this.leader = null;
    this.announce();
  }

  private becomeLeader(): void {
    assert(this.role === "candidate", () => `raft: became leader from ${this.role}`);
    this.resetRole("leader");
    this.leader = this.id;
    for (const peer of this.peers) {
      const pr = new Progress(
        this.log.lastIndex() + 1,
        this.config.inflightCountMax,
        this.config.inflightBytesMax,
      );
      pr.recentActive = true;
      pr.voter = this.voters.includes(peer);
      this.progress.set(peer, pr);
    }
    // A leader commits nothing of earlier terms until it commits an entry of its own (§5.4.2, §8).
    this.appendLocal(null);
    this.announce();
    this.maybeCommit();
    this.broadcastAppend();
  }

  private resetRole(role: RaftRole): void {
    this.role = role;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.electionTimeoutTicks =
      this.config.electionTicks + Math.floor(this.env.random() * this.config.electionTicks);
    this.votes.clear();
    this.progress.clear();
    this.transferee = null;
    this.leaseRevoked = false;
  }

  private announce(): void {
    this.env.emit({
      type: "raftRole",
      node: this.id,
      role: this.role,
      term: this.term,
      leader: this.leader,
    });
  }

  // ---- time -----------------------------------------------------------------

  private tickElection(): void {
    this.electionElapsed++;
    if (this.isLearner) return;
    if (this.electionElapsed >= this.electionTimeoutTicks) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  private tickLeader(): void {
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
  private quorumActive(): boolean {
    let active = 1;
    for (const pr of this.progress.values()) {
      if (pr.recentActive && pr.voter) active++;
      pr.recentActive = false;
    }
    return active >= this.quorum;
  }

  /** A pipelined follower whose match has not moved for a while lost messages: probe it again. */
  private detectStalls(): void {
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

  // ---- elections ------------------------------------------------------------

  private hup(transfer: boolean): void {
    if (this.isLearner) return;
    if (this.config.preVote && !transfer) {
      this.becomePreCandidate();
      this.requestVotes("preVote", this.term + 1, false);
    } else {
      this.becomeCandidate();
      this.requestVotes("requestVote", this.term, transfer);
    }
  }

  private requestVotes(type: "preVote" | "requestVote", term: number, transfer: boolean): void {
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

  private tally(): "won" | "lost" | "pending" {
    return tallyVotes(this.votes, this.quorum, this.voters.length + 1);
  }

  private winPhase(): void {
    if (this.role === "preCandidate") {
      this.becomeCandidate();
      this.requestVotes("requestVote", this.term, false);
    } else {
      this.becomeLeader();
    }
  }

  /** The election restriction (§5.4.1): grant only to a log at least as up to date as ours. */
  private logUpToDate(lastLogIndex: number, lastLogTerm: number): boolean {
    const voter = { lastIndex: this.log.lastIndex(), lastTerm: this.log.lastTerm() };
    return candidateUpToDate({ lastLogIndex, lastLogTerm }, voter);
  }

  private handleVoteRequest(
    from: NodeId,
    msg: Extract<RaftPeerMessage, { type: "preVote" | "requestVote" }>,
  ): void {
    const pre = msg.type === "preVote";
    const canVote =
      !this.isLearner &&
      (this.vote === from ||
        (this.vote === null && this.leader === null) ||
        (pre && msg.term > this.term));
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
  private inLease(): boolean {
    return (
      this.config.checkQuorum &&
      this.leader !== null &&
      this.electionElapsed < this.config.electionTicks
    );
  }

  // ---- peer messages --------------------------------------------------------

  private stepPeer(from: NodeId, msg: RaftPeerMessage): void {
    if (msg.term > this.term) {
      const campaign = msg.type === "preVote" || msg.type === "requestVote";
      if (campaign && !(msg.type === "requestVote" && msg.transfer) && this.inLease()) return;
      if (msg.type === "preVote" || (msg.type === "preVoteOk" && msg.granted)) {
        // Pre-vote changes nobody's term.
      } else {
        const fromLeader =
          msg.type === "appendEntries" ||
          msg.type === "heartbeat" ||
          msg.type === "installSnapshot" ||
          msg.type === "timeoutNow";
        this.becomeFollower(msg.term, fromLeader ? from : null);
      }
    } else if (msg.term < this.term) {
      this.stepStale(from, msg);
      return;
    }
    switch (msg.type) {
      case "preVote":
      case "requestVote":
        this.handleVoteRequest(from, msg);
        return;
      default:
        break;
    }
    switch (this.role) {
      case "follower":
        this.stepFollower(from, msg);
        return;
      case "preCandidate":
      case "candidate":
        this.stepCandidate(from, msg);
        return;
      case "leader":
        this.stepLeader(from, msg);
        return;
      default:
        assertNever(this.role, "role");
    }
  }

  /** A message from an older term: tell a stale leader or pre-candidate the current term so it steps down. */
  private stepStale(from: NodeId, msg: RaftPeerMessage): void {
    if (
      msg.type === "appendEntries" ||
      msg.type === "heartbeat" ||
      msg.type === "installSnapshot"
    ) {
      this.send(from, {
        type: "appendEntriesOk",
        term: this.term,
        success: false,
        index: 0,
        conflictTerm: 0,
        conflictIndex: 0,
      });
    } else if (msg.type === "preVote") {
      this.send(from, { type: "preVoteOk", term: this.term, granted: false });
    }
  }

  private stepFollower(from: NodeId, msg: RaftPeerMessage): void {
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

  private stepCandidate(from: NodeId, msg: RaftPeerMessage): void {
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
        if (msg.type !== mine) return;
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

  private stepLeader(from: NodeId, msg: RaftPeerMessage): void {
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

  private hearLeader(from: NodeId): void {
    this.electionElapsed = 0;
    this.leader = from;
  }

  // ---- replication: follower side ------------------------------------------

  private handleAppend(
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
        this.log.truncateFrom(entry.index);
      }
      this.log.append(entry);
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
  private rejectAppend(from: NodeId, prevLogIndex: number): void {
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

  private handleHeartbeat(
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

  /** Installs the leader's snapshot unless this node already committed past it (thesis §5.2). */
  /**
   * Collects the leader's snapshot chunk by chunk, then installs it, unless
   * this node already committed past it (thesis §5.3). Chunks out of order are
   * answered with the offset expected, so the leader resends from there.
   */
  private handleInstallSnapshot(
    from: NodeId,
    msg: Extract<RaftPeerMessage, { type: "installSnapshot" }>,
  ): void {
    const index = msg.lastIncludedIndex;
    if (index <= this.commitIndex) {
      this.incoming.reset();
      this.ackAppend(from, this.commitIndex);
      return;
    }
    const outcome = this.incoming.accept(msg);
    if (!outcome.done) {
      const nextOffset = outcome.nextOffset;
      this.send(from, {
        type: "installSnapshotOk",
        term: this.term,
        lastIncludedIndex: index,
        nextOffset,
      });
      return;
    }
    const state = outcome.state;
    this.log.installSnapshot({
      index,
      term: msg.lastIncludedTerm,
      state: state as unknown as StoredValue,
    });
    this.restoreState(state, index);
    this.ackAppend(from, this.commitIndex);
  }

  private ackAppend(to: NodeId, index: number): void {
    this.send(to, {
      type: "appendEntriesOk",
      term: this.term,
      success: true,
      index,
      conflictTerm: 0,
      conflictIndex: 0,
    });
  }

  private restoreState(state: KvSnapshot, index: number): void {
    const problem = kvSnapshotProblem(state);
    assert(problem === undefined, () => `raft: snapshot at ${index}: ${problem}`);
    assert(
      index >= this.commitIndex,
      () => `raft: snapshot at ${index} below commit ${this.commitIndex}`,
    );
    this.kv.restore(state);
    this.commitIndex = index;
    this.appliedIndex = index;
  }

  /** Snapshots the state machine and compacts the log once enough entries were applied since the last snapshot. */
  private maybeSnapshot(): void {
    const applied = this.appliedIndex;
    if (applied - this.log.snapshotIndex() < this.config.snapshotEntries) return;
    const state = this.kv.snapshot() as unknown as StoredValue;
    this.log.installSnapshot({ index: applied, term: this.log.term(applied), state });
  }

  // ---- replication: leader side --------------------------------------------

  private appendLocal(data: KvCommand | null): number {
    const index = this.log.lastIndex() + 1;
    this.log.append({ term: this.term, index, data });
    return index;
  }

  private broadcastAppend(): void {
    for (const peer of this.peers) this.sendAppends(peer);
  }

  /** Sends as many AppendEntries as flow control allows (pipelining), at most inflightCountMax + 1. */
  private sendAppends(peer: NodeId): void {
    for (let i = 0; i <= this.config.inflightCountMax; i++) {
      if (!this.sendAppend(peer)) return;
    }
  }

  private sendAppend(peer: NodeId): boolean {
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

  /** The follower needs entries compacted away: send the snapshot, one at a time (probe state). */
  private sendSnapshot(peer: NodeId, pr: Progress): boolean {
    const snapshot = this.log.snapshot();
    assert(
      snapshot !== undefined,
      () => `raft: n${peer} needs ${pr.next}, compacted but no snapshot`,
    );
    if (pr.state === "replicate") pr.becomeProbe();
    if (pr.snapshotIndex !== snapshot.index) {
      pr.snapshotIndex = snapshot.index;
      pr.snapshotOffset = 0;
    }
    const state = snapshot.state as unknown as KvSnapshot;
    const offset = Math.min(pr.snapshotOffset, state.data.length);
    const pairs = state.data.slice(offset, offset + this.config.snapshotChunkPairs);
    const done = offset + pairs.length >= state.data.length;
    this.send(peer, {
      type: "installSnapshot",
      term: this.term,
      lastIncludedIndex: snapshot.index,
      lastIncludedTerm: snapshot.term,
      offset,
      pairs,
      sessions: done ? state.sessions : [],
      done,
    });
    pr.sentProbe();
    return false;
  }

  private handleSnapshotProgress(
    from: NodeId,
    msg: Extract<RaftPeerMessage, { type: "installSnapshotOk" }>,
  ): void {
    const pr = this.progress.get(from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (msg.lastIncludedIndex !== pr.snapshotIndex) return;
    pr.snapshotOffset = msg.nextOffset;
    pr.probeSent = false;
    this.sendAppends(from);
  }

  private handleAppendResponse(
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
  private nextFromHint(rejected: number, conflictTerm: number, conflictIndex: number): number {
    if (conflictTerm === 0) return Math.max(1, conflictIndex);
    const i = this.log.lastIndexAtOrBelowTerm(rejected, conflictTerm);
    // Below the snapshot the leader cannot compare terms: the follower will get the snapshot.
    if (i > 0 && i >= this.log.snapshotIndex() && this.log.term(i) === conflictTerm) return i + 1;
    return Math.max(1, conflictIndex);
  }

  private broadcastHeartbeat(): void {
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

  private handleHeartbeatResponse(
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
  private maybeCommit(): void {
    const matches = [this.log.lastIndex()];
    for (const pr of this.progress.values()) if (pr.voter) matches.push(pr.match);
    const candidate = quorumValue(matches, this.quorum);
    if (candidate <= this.commitIndex) return;
    if (this.log.term(candidate) !== this.term && !this.config.unsafeCommitEarlierTerms) return;
    this.commitTo(candidate);
  }

  private commitTo(index: number): void {
    if (index <= this.commitIndex) return;
    assert(
      index <= this.log.lastIndex(),
      () => `raft: commit ${index} beyond last index ${this.log.lastIndex()}`,
    );
    this.commitIndex = index;
    this.applyCommitted();
  }

  // ---- the state machine and clients ---------------------------------------

  private applyCommitted(): void {
    while (this.appliedIndex < this.commitIndex) {
      const entry = this.log.entry(this.appliedIndex + 1);
      this.appliedIndex = entry.index;
      if (entry.data === null) continue;
      const outcome = this.kv.apply(entry.data);
      const waiter = this.pendingWrites.get(entry.index);
      if (waiter === undefined) continue;
      this.pendingWrites.delete(entry.index);
      if (waiter.term !== entry.term) {
        this.replyError(waiter.from, waiter.msgId, ERROR.unknown, "entry replaced; retry", false);
      } else if (outcome.kind === "applied") {
        this.send(waiter.from, { type: "kvOk", inReplyTo: waiter.msgId, result: outcome.result });
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

  private stepClient(from: NodeId, msg: RaftClientMessage): void {
    if (msg.type !== "kv") return;
    if (this.role !== "leader") {
      this.replyError(from, msg.msgId, ERROR.notLeader, "not the leader", true);
      return;
    }
    if (isReadOp(msg.op)) this.startRead(from, msg.msgId, msg.op);
    else this.propose(from, msg);
  }

  private propose(from: NodeId, msg: Extract<RaftClientMessage, { type: "kv" }>): void {
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

  /** ReadIndex (thesis §6.4): note the commit index, confirm leadership with a heartbeat round, wait to apply it. */
  private startRead(from: NodeId, msgId: number, op: Extract<KvOp, { op: "get" | "range" }>): void {
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

  private advanceReads(): void {
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

  private confirmedRound(seq: number): boolean {
    let acks = 1;
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
  private leaseHolds(): boolean {
    if (!this.config.leaseReads || this.leaseRevoked || this.role !== "leader") return false;
    const acks = [this.clockSeenMs];
    for (const pr of this.progress.values()) if (pr.voter) acks.push(pr.leaseAckAt);
    return this.env.now() < quorumValue(acks, this.quorum) + leaseDurationMs(this.config);
  }

  /** Records the clock; if it went back, forgets every lease acknowledgement (they were stamped on the old clock). */
  private observeClock(): void {
    const now = this.env.now();
    if (now < this.clockSeenMs) {
      for (const pr of this.progress.values()) pr.leaseAckAt = Number.NEGATIVE_INFINITY;
    }
    this.clockSeenMs = now;
  }

  private revokeLease(msg: RaftMessage): RaftMessage {
    this.leaseRevoked = true;
    return msg;
  }

  private abortPending(why: string): void {
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
  }

  private replyError(
    to: NodeId,
    inReplyTo: number,
    code: number,
    text: string,
    definite: boolean,
  ): void {
    this.send(to, { type: "error", inReplyTo, code, text, definite, leader: this.leader });
  }
}
