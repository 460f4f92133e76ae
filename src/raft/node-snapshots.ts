import { assert } from "../core/assert.js";
import type { NodeId } from "../core/ids.js";
import type { StoredValue } from "../core/storage.js";
import { type KvSnapshot, kvSnapshotProblem } from "./kv.js";
import type { RaftPeerMessage } from "./messages.js";
import { RaftFollower } from "./node-follower.js";
import type { Progress } from "./progress.js";

/**
 * Snapshots and log compaction (§7, thesis ch. 5): taking a snapshot every
 * `snapshotEntries` applied entries, sending it in chunks, installing one.
 */
export abstract class RaftSnapshots extends RaftFollower {
  /**
   * Collects the leader's snapshot chunk by chunk, then installs it, unless
   * this node already committed past it (thesis §5.3). Chunks out of order are
   * answered with the offset expected, so the leader resends from there.
   */
  protected handleInstallSnapshot(
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
      membership: msg.membership,
    });
    this.restoreState(state, index);
    // The snapshot carries the configuration at its index (thesis §4.4); later entries may change it.
    this.membership.rebuild(msg.membership, index, this.log.view());
    this.useMembership();
    this.ackAppend(from, this.commitIndex);
  }

  protected restoreState(state: KvSnapshot, index: number): void {
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
  protected maybeSnapshot(): void {
    const applied = this.appliedIndex;
    if (applied - this.log.snapshotIndex() < this.config.snapshotEntries) return;
    const state = this.kv.snapshot() as unknown as StoredValue;
    const membership = this.membership.at(applied);
    this.log.installSnapshot({ index: applied, term: this.log.term(applied), state, membership });
    this.membership.rebuild(membership, applied, this.log.view());
  }

  /** The follower needs entries compacted away: send the snapshot, one at a time (probe state). */
  protected sendSnapshot(peer: NodeId, pr: Progress): boolean {
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
      membership: this.membership.at(snapshot.index),
    });
    pr.sentProbe();
    return false;
  }

  protected handleSnapshotProgress(
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
}
