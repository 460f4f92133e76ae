import { assert, assertNever } from "../core/assert.js";
import type { Env } from "../core/env.js";
import type { NodeId } from "../core/ids.js";
import type { ProtocolNode } from "../core/protocol.js";
import type { KvSnapshot } from "./kv.js";
import { RaftLog } from "./log.js";
import { membershipOf } from "./membership.js";
import { MembershipLog } from "./membership-log.js";
import { isPeerMessage, type RaftMessage, type RaftPeerMessage } from "./messages.js";
import { RaftStateMachine } from "./node-apply.js";
import type { RaftTimer } from "./node-core.js";

export type { RaftRole, RaftTimer, RaftView } from "./node-core.js";

/**
 * One Raft server (Ongaro & Ousterhout, extended paper and thesis) running the
 * key-value state machine. A pure `ProtocolNode`: it acts only through its
 * `Env`, queues every message of a handler and, before any leaves, syncs the
 * term, vote and log it wrote, so nothing is promised before it is durable.
 *
 * Membership changes one server at a time (`membership` requests at the
 * leader; see `node-membership.ts`); the configuration in force is the latest
 * in the log, recovered from the log and the snapshot on restart.
 *
 * Guarantees, asserted as it runs: the term never decreases, it votes at most
 * once per term, a leader never truncates its own log, commitIndex never
 * decreases nor passes the log, and a leader receiving AppendEntries from
 * another leader of its own term fails the run (election safety).
 */
export class RaftNode extends RaftStateMachine implements ProtocolNode<RaftMessage, RaftTimer> {
  start(env: Env<RaftMessage, RaftTimer>, recovered: boolean): void {
    assert(env.self === this.id, () => `raft: node ${this.id} started with env of ${env.self}`);
    const members = this.members ?? env.cluster;
    this.env = env;
    const voters = members.filter((p) => !this.learners.includes(p));
    assert(voters.length > 0, "raft: a cluster of learners only");
    const initial = membershipOf(voters, this.learners);
    this.log = new RaftLog(env.storage);
    const loaded = this.log.load();
    this.term = loaded.term;
    this.vote = loaded.vote;
    this.membership = new MembershipLog(initial);
    if (loaded.snapshot !== undefined) {
      // A snapshot holds only committed state: it is where commit and apply restart.
      this.restoreState(loaded.snapshot.state as unknown as KvSnapshot, loaded.snapshot.index);
    }
    // The configuration in force: the latest in the log, else the snapshot's, else the initial one.
    this.membership.rebuild(
      loaded.snapshot?.membership ?? initial,
      this.log.snapshotIndex(),
      this.log.view(),
    );
    this.useMembership();
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
    this.stepDownIfRemoved();
    this.flush();
  }

  onMessage(from: NodeId, msg: RaftMessage): void {
    this.observeClock();
    if (isPeerMessage(msg)) {
      // Not only from members: a leader that is removing itself, or one adding this server, is not in its configuration.
      if (from !== this.id) this.stepPeer(from, msg);
    } else {
      this.stepClient(from, msg);
    }
    this.stepDownIfRemoved();
    this.flush();
  }

  /** Starts a campaign now, as if the election timeout had passed (tests, leadership transfer). */
  campaign(): void {
    if (this.role !== "leader") this.hup(false);
    this.flush();
  }

  protected stepPeer(from: NodeId, msg: RaftPeerMessage): void {
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
  protected stepStale(from: NodeId, msg: RaftPeerMessage): void {
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
}
