import { assert } from "../core/assert.js";
import type { Env } from "../core/env.js";
import type { NodeId } from "../core/ids.js";
import type { RaftConfig } from "./config.js";
import { type KvOp, KvStateMachine } from "./kv.js";
import type { RaftLog } from "./log.js";
import { type Membership, membersOf } from "./membership.js";
import type { MembershipLog } from "./membership-log.js";
import type { Entry, RaftMessage } from "./messages.js";
import { Progress } from "./progress.js";
import { SnapshotAssembler } from "./snapshot-assembler.js";

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
  /** The configuration in force: the latest in the log (committed or not), else the snapshot's, else the initial one. */
  readonly membership: Membership;
  /** The index of the entry that made it (the snapshot's index, or 0 for the initial one, when none in the log). */
  readonly membershipIndex: number;
}

/** A write waiting for its entry to commit. */
export interface PendingWrite {
  readonly from: NodeId;
  readonly msgId: number;
  readonly term: number;
}

/** A read waiting for its ReadIndex round and for the apply index to reach it. */
export interface PendingRead {
  readonly from: NodeId;
  readonly msgId: number;
  readonly op: Extract<KvOp, { op: "get" | "range" }>;
  readonly readIndex: number;
  readonly seq: number;
  confirmed: boolean;
}

/** A message queued until the handler ends and storage is synced. */
export type Outbound = { readonly to: NodeId; readonly msg: RaftMessage };

/**
 * The state every part of a Raft server shares, and the basic moves on it:
 * queue a message, persist then send (`flush`), raise the term, reset the
 * role's timers, announce the role. The layers above (election, leader
 * replication, follower handling, snapshots, reads, the state machine) each
 * add one concern; `RaftNode` is the complete server.
 */
export abstract class RaftCore {
  protected env!: Env<RaftMessage, RaftTimer>;
  protected log!: RaftLog;
  /** The configurations in the log; the latest is in force (thesis §4.1). */
  protected membership!: MembershipLog;
  /** Every other server of the configuration in force: those the leader replicates to. */
  protected peers: NodeId[] = [];
  /** The other servers that vote. */
  protected voters: NodeId[] = [];
  /** True when this server votes in the configuration in force: only then it campaigns and counts itself. */
  protected selfVoter = false;
  /** A majority of the voters of the configuration in force. */
  protected quorum = 1;
  protected term = 0;
  protected vote: NodeId | null = null;
  protected role: RaftRole = "follower";
  protected leader: NodeId | null = null;
  protected commitIndex = 0;
  protected appliedIndex = 0;
  protected electionElapsed = 0;
  protected heartbeatElapsed = 0;
  protected electionTimeoutTicks = 0;
  protected readonly votes = new Map<NodeId, boolean>();
  protected readonly progress = new Map<NodeId, Progress>();
  protected readonly outbox: Outbound[] = [];
  protected readonly pendingWrites = new Map<number, PendingWrite>();
  /** Membership changes waiting for their configuration entry to commit, by index. */
  protected readonly pendingChanges = new Map<number, PendingWrite>();
  protected pendingReads: PendingRead[] = [];
  protected readSeq = 0;
  /** Leadership transfer in progress: the target, and leader ticks since it began. */
  protected transferee: NodeId | null = null;
  protected transferElapsed = 0;
  /** The latest reading of `env.now()`: a smaller one means the clock was set back. */
  protected clockSeenMs = Number.NEGATIVE_INFINITY;
  /** Set once this leader sent TimeoutNow: the target may win without waiting out the lease. */
  protected leaseRevoked = false;
  /** A snapshot arriving in chunks. */
  protected readonly incoming = new SnapshotAssembler();
  protected readonly kv: KvStateMachine;

  /**
   * `members` are the servers of the initial configuration; by default the
   * host's whole cluster (`env.cluster`). Pass them when the host also runs
   * clients as nodes. `learners` (a subset of them) receive the log and apply
   * it but never campaign and never count toward a quorum. A node outside
   * `members` starts as a spare: it never campaigns, and waits for a leader
   * to add it through a membership change. Every server must be built with
   * the same initial configuration; later ones come from the log.
   */
  constructor(
    readonly id: NodeId,
    protected readonly config: RaftConfig,
    protected readonly members?: readonly NodeId[],
    protected readonly learners: readonly NodeId[] = [],
  ) {
    this.kv = new KvStateMachine(config.sessionsMax);
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
      membership: this.membership.current(),
      membershipIndex: this.membership.currentIndex(),
    };
  }

  /** The state machine's contents, sorted by key (tests). */
  kvEntries(): [string, string][] {
    return this.kv.entries();
  }

  protected send(to: NodeId, msg: RaftMessage): void {
    this.outbox.push({ to, msg });
  }

  /** Persist, then send: the one place messages leave. */
  protected flush(): void {
    this.log.sync();
    assert(!this.log.dirty, "raft: sending with unsynced term, vote or log");
    for (const { to, msg } of this.outbox) this.env.send(to, msg);
    this.outbox.length = 0;
  }

  protected setTerm(term: number): void {
    assert(term >= this.term, () => `raft: term would go back from ${this.term} to ${term}`);
    if (term === this.term) return;
    this.term = term;
    this.vote = null;
    this.log.saveHardState(this.term, this.vote);
  }

  protected resetRole(role: RaftRole): void {
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

  protected announce(): void {
    this.env.emit({
      type: "raftRole",
      node: this.id,
      role: this.role,
      term: this.term,
      leader: this.leader,
    });
  }

  /** Records the clock; if it went back, forgets every lease acknowledgement (they were stamped on the old clock). */
  protected observeClock(): void {
    const now = this.env.now();
    if (now < this.clockSeenMs) {
      for (const pr of this.progress.values()) pr.leaseAckAt = Number.NEGATIVE_INFINITY;
    }
    this.clockSeenMs = now;
  }

  /** Appends `entry` to the log; a configuration entry takes effect at once (thesis §4.1). */
  protected appendEntry(entry: Entry): void {
    this.log.append(entry);
    if (this.membership.appended(entry)) this.useMembership();
  }

  /** Cuts the log from `index` on; a configuration cut away gives way to the one before it. */
  protected truncateLog(index: number): void {
    this.log.truncateFrom(index);
    if (this.membership.truncatedFrom(index)) this.useMembership();
  }

  /** A leader's fresh view of a follower: nothing known to match, probe from the end of the log. */
  protected newProgress(voter: boolean): Progress {
    const pr = new Progress(
      this.log.lastIndex() + 1,
      this.config.inflightCountMax,
      this.config.inflightBytesMax,
    );
    pr.recentActive = true;
    pr.voter = voter;
    return pr;
  }

  /**
   * Puts the configuration in force to use: peers, voters, quorum, whether
   * this server votes; a leader starts replicating to added servers, and stops
   * for removed ones once their removal is committed.
   */
  protected useMembership(): void {
    const m = this.membership.current();
    this.peers = membersOf(m).filter((p) => p !== this.id);
    this.voters = m.voters.filter((p) => p !== this.id);
    this.selfVoter = m.voters.includes(this.id);
    this.quorum = Math.floor(m.voters.length / 2) + 1;
    if (this.role !== "leader") return;
    // Servers that a still-uncommitted change removes keep getting the log, so they
    // learn of their removal (and stop campaigning); they count toward nothing.
    const removing = membersOf(this.membership.at(this.commitIndex));
    for (const peer of [...this.progress.keys()]) {
      if (!this.peers.includes(peer) && !removing.includes(peer)) this.progress.delete(peer);
    }
    for (const peer of removing) {
      const pr = this.progress.get(peer);
      if (pr !== undefined && !this.peers.includes(peer)) pr.voter = false;
    }
    for (const peer of this.peers) {
      const voter = this.voters.includes(peer);
      const pr = this.progress.get(peer);
      if (pr === undefined) this.progress.set(peer, this.newProgress(voter));
      else pr.voter = voter;
    }
    if (this.transferee !== null && !this.voters.includes(this.transferee)) this.transferee = null;
  }

  protected replyError(
    to: NodeId,
    inReplyTo: number,
    code: number,
    text: string,
    definite: boolean,
  ): void {
    this.send(to, { type: "error", inReplyTo, code, text, definite, leader: this.leader });
  }
}
