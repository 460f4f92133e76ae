import { assert } from "../core/assert.js";
import type { Env } from "../core/env.js";
import type { NodeId } from "../core/ids.js";
import type { RaftConfig } from "./config.js";
import { type KvOp, KvStateMachine } from "./kv.js";
import type { RaftLog } from "./log.js";
import type { Entry, RaftMessage } from "./messages.js";
import type { Progress } from "./progress.js";
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
  /** Every other server: those the leader replicates to. */
  protected peers: NodeId[] = [];
  /** The other servers that vote. */
  protected voters: NodeId[] = [];
  protected isLearner = false;
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
   * `members` are the servers; by default the host's whole cluster
   * (`env.cluster`). Pass them when the host also runs clients as nodes.
   * `learners` (a subset of them) receive the log and apply it but never
   * vote, never campaign and never count toward a quorum.
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
