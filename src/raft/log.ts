import { assert } from "../core/assert.js";
import type { NodeId } from "../core/ids.js";
import type { DurableStorage, StoredValue } from "../core/storage.js";
import { type Membership, membershipProblem } from "./membership.js";
import type { Entry } from "./messages.js";

const HARD_STATE_KEY = "raft/hard";
const SNAPSHOT_KEY = "raft/snap";
const ENTRY_PREFIX = "raft/log/";
const INDEX_DIGITS = 12;

function entryKey(index: number): string {
  return ENTRY_PREFIX + String(index).padStart(INDEX_DIGITS, "0");
}

/** Estimated encoded size of an entry in bytes, used by flow control. */
export function entryBytes(entry: Entry): number {
  return 24 + (entry.data === null ? 0 : JSON.stringify(entry.data).length);
}

/** A snapshot: the state machine after applying every entry up to `index` (of term `term`). */
export interface Snapshot {
  readonly index: number;
  readonly term: number;
  readonly state: StoredValue;
  /** The configuration in force at `index` (absent in snapshots written before membership changes). */
  readonly membership?: Membership;
}

/** What a node loaded from storage on (re)start. */
export interface Recovered {
  readonly term: number;
  readonly vote: NodeId | null;
  /** The snapshot the log starts after, if one was taken or installed. */
  readonly snapshot: Snapshot | undefined;
  /** Entries cut because they did not follow the log before them (a torn or corrupt tail). */
  readonly entriesDropped: number;
}

/**
 * The Raft log and hard state (term, vote), kept in memory and written
 * through to `DurableStorage`: one key per entry, one for the hard state, one
 * for the latest snapshot. The log holds the entries after the snapshot
 * (`snapshotIndex`); compaction drops the entries a snapshot covers. Every
 * change marks the log dirty; `sync()` makes it durable. The node syncs before
 * any message leaves, which is how "persist before you answer" holds.
 * Indexes start at 1; the snapshot's index (0 when none) is always matched.
 */
export class RaftLog {
  private readonly entries: Entry[] = [];
  private readonly bytes: number[] = [];
  private unsynced = false;
  private snapIndex = 0;
  private snapTerm = 0;

  constructor(private readonly storage: DurableStorage) {}

  /** Loads what storage holds. Entries after the first gap or term decrease are dropped (and deleted). */
  load(): Recovered {
    const hard = this.storage.get(HARD_STATE_KEY);
    let term = 0;
    let vote: NodeId | null = null;
    if (isHardState(hard)) {
      term = hard.term;
      vote = hard.vote;
    }
    const snap = this.storage.get(SNAPSHOT_KEY);
    const snapshot = isSnapshot(snap) ? snap : undefined;
    if (snapshot !== undefined) {
      this.snapIndex = snapshot.index;
      this.snapTerm = snapshot.term;
    }
    let dropped = 0;
    for (const key of this.storage.keys(ENTRY_PREFIX)) {
      const value = this.storage.get(key);
      if (isEntry(value) && value.index <= this.snapIndex) {
        this.storage.delete(key); // covered by the snapshot; a compaction cut short
        this.unsynced = true;
        continue;
      }
      const follows =
        isEntry(value) &&
        value.index === this.lastIndex() + 1 &&
        value.term >= this.lastTerm() &&
        value.term <= term;
      if (dropped === 0 && follows) {
        this.entries.push(value);
        this.bytes.push(entryBytes(value));
      } else {
        dropped++;
        this.storage.delete(key);
        this.unsynced = true;
      }
    }
    return { term, vote, snapshot, entriesDropped: dropped };
  }

  /** Writes the hard state; durable at the next `sync()`. */
  saveHardState(term: number, vote: NodeId | null): void {
    this.storage.put(HARD_STATE_KEY, { term, vote });
    this.unsynced = true;
  }

  /** True when something was written since the last `sync()`. */
  get dirty(): boolean {
    return this.unsynced;
  }

  /** Makes every write durable. */
  sync(): void {
    if (!this.unsynced) return;
    this.storage.sync();
    this.unsynced = false;
  }

  /** The index the log starts after: that of the latest snapshot, 0 when none. */
  snapshotIndex(): number {
    return this.snapIndex;
  }

  snapshotTerm(): number {
    return this.snapTerm;
  }

  lastIndex(): number {
    return this.snapIndex + this.entries.length;
  }

  lastTerm(): number {
    return this.term(this.lastIndex());
  }

  /** The term of the entry at `index` (the snapshot's term at its index); asserts the index is held. */
  term(index: number): number {
    if (index === this.snapIndex) return this.snapTerm;
    const entry = this.entries[index - this.snapIndex - 1];
    assert(
      entry !== undefined,
      () => `log: no entry at index ${index} (held ${this.snapIndex + 1}..${this.lastIndex()})`,
    );
    return entry.term;
  }

  /** True when the log holds `index` with `term`, the snapshot's index included. */
  matchTerm(index: number, term: number): boolean {
    return index >= this.snapIndex && index <= this.lastIndex() && this.term(index) === term;
  }

  entry(index: number): Entry {
    const entry = this.entries[index - this.snapIndex - 1];
    assert(
      entry !== undefined,
      () => `log: no entry at index ${index} (held ${this.snapIndex + 1}..${this.lastIndex()})`,
    );
    return entry;
  }

  /** The entries from `from` (> snapshotIndex) on, at most `countMax` and about `bytesMax` bytes (at least one). */
  slice(from: number, countMax: number, bytesMax: number): { entries: Entry[]; bytes: number } {
    assert(
      from > this.snapIndex,
      () => `log: slice from ${from}, compacted up to ${this.snapIndex}`,
    );
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = from; i <= this.lastIndex() && out.length < countMax; i++) {
      const size = this.bytes[i - this.snapIndex - 1] ?? 0;
      if (out.length > 0 && bytes + size > bytesMax) break;
      out.push(this.entry(i));
      bytes += size;
    }
    return { entries: out, bytes };
  }

  /** Appends `entry`, which must follow the last entry with a term no lower. */
  append(entry: Entry): void {
    assert(
      entry.index === this.lastIndex() + 1,
      () => `log: append at ${entry.index}, expected ${this.lastIndex() + 1}`,
    );
    assert(
      entry.term >= this.lastTerm(),
      () => `log: append of term ${entry.term} after term ${this.lastTerm()}`,
    );
    this.entries.push(entry);
    this.bytes.push(entryBytes(entry));
    this.storage.put(entryKey(entry.index), entry as unknown as StoredValue);
    this.unsynced = true;
  }

  /** Removes every entry from `index` (> snapshotIndex) on. */
  truncateFrom(index: number): void {
    assert(
      index > this.snapIndex,
      `log: truncate from ${index}, compacted up to ${this.snapIndex}`,
    );
    for (let i = this.lastIndex(); i >= index; i--) this.storage.delete(entryKey(i));
    if (index <= this.lastIndex()) {
      this.entries.length = index - this.snapIndex - 1;
      this.bytes.length = index - this.snapIndex - 1;
      this.unsynced = true;
    }
  }

  /**
   * Stores `snapshot` and drops the entries it covers. When the log holds the
   * snapshot's last entry (same index and term) the entries after it stay;
   * otherwise the whole log is replaced by the snapshot.
   */
  installSnapshot(snapshot: Snapshot): void {
    assert(
      snapshot.index > this.snapIndex,
      () => `log: snapshot at ${snapshot.index} not after ${this.snapIndex}`,
    );
    const keep = this.matchTerm(snapshot.index, snapshot.term) ? snapshot.index : this.lastIndex();
    this.storage.put(SNAPSHOT_KEY, snapshot as unknown as StoredValue);
    for (let i = this.snapIndex + 1; i <= keep; i++) this.storage.delete(entryKey(i));
    const dropped = keep - this.snapIndex;
    this.entries.splice(0, dropped);
    this.bytes.splice(0, dropped);
    if (keep !== snapshot.index) {
      for (let i = keep + 1; i <= this.lastIndex(); i++) this.storage.delete(entryKey(i));
      this.entries.length = 0;
      this.bytes.length = 0;
    }
    this.snapIndex = snapshot.index;
    this.snapTerm = snapshot.term;
    this.unsynced = true;
  }

  /** The latest snapshot, as stored. */
  snapshot(): Snapshot | undefined {
    const snap = this.storage.get(SNAPSHOT_KEY);
    return isSnapshot(snap) ? snap : undefined;
  }

  /** The first index of the run of entries with the same term as `index`, not below `floor`. */
  firstIndexOfTerm(index: number, floor: number): number {
    const term = this.term(index);
    let i = index;
    while (i - 1 >= floor && i - 1 > this.snapIndex && this.term(i - 1) === term) i--;
    return i;
  }

  /** The largest index at or below `index`, and not below the snapshot, whose term is at most `term`. */
  lastIndexAtOrBelowTerm(index: number, term: number): number {
    let i = Math.min(index, this.lastIndex());
    while (i > this.snapIndex && this.term(i) > term) i--;
    return i;
  }

  /** Read-only view of the entries after the snapshot, for harnesses that check invariants across nodes. */
  view(): readonly Entry[] {
    return this.entries;
  }
}

function isRecordValue(value: StoredValue | undefined): value is Record<string, StoredValue> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}

function isHardState(
  value: StoredValue | undefined,
): value is { term: number; vote: NodeId | null } {
  if (!isRecordValue(value)) return false;
  return typeof value.term === "number" && (value.vote === null || typeof value.vote === "number");
}

function isEntry(value: StoredValue | undefined): value is Entry & StoredValue {
  if (!isRecordValue(value)) return false;
  return typeof value.term === "number" && typeof value.index === "number" && "data" in value;
}

function isSnapshot(value: StoredValue | undefined): value is Snapshot & StoredValue {
  if (!isRecordValue(value)) return false;
  return (
    typeof value.index === "number" &&
    typeof value.term === "number" &&
    "state" in value &&
    (value.membership === undefined || membershipProblem(value.membership, "") === undefined)
  );
}
