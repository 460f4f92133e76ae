import type { NodeId } from "../core/ids.js";
import {
  applyChange,
  type ConfigCommand,
  changeDone,
  type MembershipChange,
} from "./membership.js";
import { type Entry, ERROR } from "./messages.js";
import { RaftReads } from "./node-reads.js";

/**
 * Single-server membership changes (thesis §4.2–4.3). A change enters the
 * log as a configuration entry holding the whole new configuration, which
 * every server uses as soon as the entry is in its log. The leader starts one
 * only when the previous one is committed and it has committed an entry of
 * its own term (the thesis' fix for changes across leaders), and promotes a
 * learner only once its log is within `learnerCatchUpEntries` of the
 * leader's. A leader that removes itself keeps leading without counting
 * itself until the change commits, then hands off and steps down.
 */
export abstract class RaftMembership extends RaftReads {
  /** An administrator's change, at the leader. Answered `membershipOk` once committed, else an error. */
  protected proposeChange(from: NodeId, msgId: number, change: MembershipChange): void {
    const latest = this.membership.current();
    const latestIndex = this.membership.currentIndex();
    if (changeDone(latest, change)) {
      // A retry of a change that already took effect: answer once it is committed.
      if (latestIndex <= this.commitIndex) {
        this.send(from, {
          type: "membershipOk",
          inReplyTo: msgId,
          membership: latest,
          index: latestIndex,
        });
      } else {
        this.replyError(from, msgId, ERROR.busy, "a membership change is uncommitted", true);
      }
      return;
    }
    if (!this.config.unsafeConcurrentChanges) {
      if (this.log.term(this.commitIndex) !== this.term) {
        this.replyError(from, msgId, ERROR.busy, "leader has not committed in its term yet", true);
        return;
      }
      if (latestIndex > this.commitIndex) {
        this.replyError(
          from,
          msgId,
          ERROR.busy,
          `the membership change at ${latestIndex} is uncommitted`,
          true,
        );
        return;
      }
    }
    if (this.transferee !== null) {
      this.replyError(from, msgId, ERROR.notLeader, "leadership transfer in progress", true);
      return;
    }
    const next = applyChange(latest, change);
    if (typeof next === "string") {
      this.replyError(from, msgId, ERROR.malformed, `${change.op}: ${next}`, true);
      return;
    }
    if (change.op === "promote") {
      const match = this.progress.get(change.node)?.match ?? 0;
      const behind = this.log.lastIndex() - match;
      if (behind > this.config.learnerCatchUpEntries) {
        this.replyError(
          from,
          msgId,
          ERROR.busy,
          `learner n${change.node} has not caught up (${behind} entries behind)`,
          true,
        );
        return;
      }
    }
    const data: ConfigCommand = { membership: next };
    const index = this.appendLocal(data);
    this.env.log.info("raft: membership change appended", { index, change, membership: next });
    this.pendingChanges.set(index, { from, msgId, term: this.term });
    this.maybeCommit();
    this.broadcastAppend();
  }

  /** A configuration entry was applied: answer the administrator who asked for it. */
  protected changeApplied(entry: Entry & { readonly data: ConfigCommand }): void {
    const waiter = this.pendingChanges.get(entry.index);
    if (waiter === undefined) return;
    this.pendingChanges.delete(entry.index);
    if (waiter.term !== entry.term) {
      this.replyError(waiter.from, waiter.msgId, ERROR.unknown, "entry replaced; retry", false);
      return;
    }
    this.send(waiter.from, {
      type: "membershipOk",
      inReplyTo: waiter.msgId,
      membership: entry.data.membership,
      index: entry.index,
    });
  }

  /**
   * A leader whose committed configuration no longer has it as a voter steps
   * down (thesis §4.2.2), first telling the most up-to-date voter to campaign
   * at once so the cluster need not wait out an election timeout.
   */
  protected stepDownIfRemoved(): void {
    if (this.role !== "leader" || this.selfVoter) return;
    if (this.membership.currentIndex() > this.commitIndex) return;
    let heir: NodeId | null = null;
    let best = -1;
    for (const [peer, pr] of this.progress) {
      if (pr.voter && pr.match > best) {
        best = pr.match;
        heir = peer;
      }
    }
    if (heir !== null && best === this.log.lastIndex())
      this.send(heir, this.revokeLease({ type: "timeoutNow", term: this.term }));
    this.env.emit({ type: "raftRemovedLeader", node: this.id, term: this.term, heir });
    this.env.log.info("raft: removed from the configuration; stepping down", {
      term: this.term,
      heir,
    });
    this.becomeFollower(this.term, null);
  }

  /** Fails every change waiting to commit: leadership was lost, so the outcome is unknown. */
  protected abortChanges(why: string): void {
    for (const waiter of this.pendingChanges.values()) {
      this.replyError(
        waiter.from,
        waiter.msgId,
        ERROR.unknown,
        `${why}; outcome unknown, retry`,
        false,
      );
    }
    this.pendingChanges.clear();
  }
}
