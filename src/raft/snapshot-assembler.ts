import type { KvSnapshot } from "./kv.js";
import type { RaftPeerMessage } from "./messages.js";

type Chunk = Extract<RaftPeerMessage, { type: "installSnapshot" }>;

/** What a chunk led to: the offset to ask for next, or the whole snapshot. */
export type ChunkOutcome =
  | { readonly done: false; readonly nextOffset: number }
  | { readonly done: true; readonly state: KvSnapshot };

/**
 * Puts a snapshot back together from InstallSnapshot chunks on a follower. A
 * chunk at offset 0 starts a snapshot; a chunk continues it only if it is for
 * the same snapshot (index and term) at exactly the offset expected, so
 * duplicates and reordered chunks never corrupt it — the answer names the
 * offset wanted and the leader resends from there. Holds at most one
 * snapshot's pairs (the leader's state machine).
 */
export class SnapshotAssembler {
  private index = 0;
  private term = 0;
  private pairs: (readonly [string, string])[] | undefined;

  /** Feeds one chunk. */
  accept(chunk: Chunk): ChunkOutcome {
    if (chunk.offset === 0) {
      this.index = chunk.lastIncludedIndex;
      this.term = chunk.lastIncludedTerm;
      this.pairs = [];
    }
    const same =
      this.pairs !== undefined &&
      this.index === chunk.lastIncludedIndex &&
      this.term === chunk.lastIncludedTerm;
    const expected = same ? (this.pairs?.length ?? 0) : 0;
    if (!same || this.pairs === undefined || chunk.offset !== expected)
      return { done: false, nextOffset: expected };
    for (const pair of chunk.pairs) this.pairs.push(pair);
    if (!chunk.done) return { done: false, nextOffset: this.pairs.length };
    const state: KvSnapshot = { data: this.pairs, sessions: chunk.sessions };
    this.reset();
    return { done: true, state };
  }

  /** Drops a snapshot in progress. */
  reset(): void {
    this.pairs = undefined;
  }
}
