import { assert } from "../core/assert.js";
import type { NodeId } from "../core/ids.js";
import type { DurableStorage, StoredValue } from "../core/storage.js";
import type { Entry } from "./messages.js";

const HARD_STATE_KEY = "raft/hard";
const ENTRY_PREFIX = "raft/log/";
const INDEX_DIGITS = 12;

function entryKey(index: number): string {
  return ENTRY_PREFIX + String(index).padStart(INDEX_DIGITS, "0");
}

/** Estimated encoded size of an entry in bytes, used by flow control. */
export function entryBytes(entry: Entry): number {
  return 24 + (entry.data === null ? 0 : JSON.stringify(entry.data).length);
}

/** What a node loaded from storage on (re)start. */
export interface Recovered {
  readonly term: number;
  readonly vote: NodeId | null;
  /** Entries cut because they did not follow the log before them (a torn or corrupt tail). */
  readonly entriesDropped: number;
}

/**
 * The Raft log and hard state (term, vote), kept in memory and written
 * through to `DurableStorage`: one key per entry, one for the hard state.
 * Every change marks the log dirty; `sync()` makes it durable. The node syncs
 * before any message leaves, which is how "persist before you answer" holds.
 * Indexes start at 1; index 0 has term 0 and is always matched.
 */
export class RaftLog {
  private readonly entries: Entry[] = [];
  private readonly bytes: number[] = [];
  private unsynced = false;

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
    let dropped = 0;
    for (const key of this.storage.keys(ENTRY_PREFIX)) {
      const value = this.storage.get(key);
      const expected = this.entries.length + 1;
      if (
        dropped === 0 &&
        isEntry(value) &&
        value.index === expected &&
        value.term >= this.lastTerm() &&
        value.term <= term
      ) {
        this.entries.push(value);
        this.bytes.push(entryBytes(value));
      } else {
        dropped++;
        this.storage.delete(key);
        this.unsynced = true;
      }
    }
    return { term, vote, entriesDropped: dropped };
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

  lastIndex(): number {
    return this.entries.length;
  }

  lastTerm(): number {
    return this.term(this.entries.length);
  }

  /** The term of the entry at `index` (0 for index 0); asserts the index exists. */
  term(index: number): number {
    if (index === 0) return 0;
    const entry = this.entries[index - 1];
    assert(
      entry !== undefined,
      () => `log: no entry at index ${index} (last ${this.entries.length})`,
    );
    return entry.term;
  }

  /** True when the log holds an entry at `index` with `term` (index 0 always matches). */
  matchTerm(index: number, term: number): boolean {
    return index <= this.entries.length && this.term(index) === term;
  }

  entry(index: number): Entry {
    const entry = this.entries[index - 1];
    assert(
      entry !== undefined,
      () => `log: no entry at index ${index} (last ${this.entries.length})`,
    );
    return entry;
  }

  /** The entries from `from` on, at most `countMax` of them and about `bytesMax` bytes (at least one). */
  slice(from: number, countMax: number, bytesMax: number): { entries: Entry[]; bytes: number } {
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = from; i <= this.entries.length && out.length < countMax; i++) {
      const size = this.bytes[i - 1] ?? 0;
      if (out.length > 0 && bytes + size > bytesMax) break;
      out.push(this.entry(i));
      bytes += size;
    }
    return { entries: out, bytes };
  }

  /** Appends `entry`, which must follow the last entry with a term no lower. */
  append(entry: Entry): void {
    assert(
      entry.index === this.entries.length + 1,
      () => `log: append at ${entry.index}, expected ${this.entries.length + 1}`,
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

  /** Removes every entry from `index` on. */
  truncateFrom(index: number): void {
    assert(index >= 1, `log: truncate from ${index}`);
    for (let i = this.entries.length; i >= index; i--) this.storage.delete(entryKey(i));
    if (index <= this.entries.length) {
      this.entries.length = index - 1;
      this.bytes.length = index - 1;
      this.unsynced = true;
    }
  }

  /** The first index of the run of entries with the same term as `index`, not below `floor`. */
  firstIndexOfTerm(index: number, floor: number): number {
    const term = this.term(index);
    let i = index;
    while (i - 1 >= floor && i - 1 >= 1 && this.term(i - 1) === term) i--;
    return i;
  }

  /** The largest index at or below `index` whose term is at most `term`. */
  lastIndexAtOrBelowTerm(index: number, term: number): number {
    let i = Math.min(index, this.entries.length);
    while (i > 0 && this.term(i) > term) i--;
    return i;
  }

  /** Read-only view of the entries, for harnesses that check invariants across nodes. */
  view(): readonly Entry[] {
    return this.entries;
  }
}

function isHardState(
  value: StoredValue | undefined,
): value is { term: number; vote: NodeId | null } {
  if (
    typeof value !== "object" ||
    value === null ||
    Array.isArray(value) ||
    value instanceof Uint8Array
  )
    return false;
  const v = value as Record<string, StoredValue>;
  return typeof v.term === "number" && (v.vote === null || typeof v.vote === "number");
}

function isEntry(value: StoredValue | undefined): value is Entry & StoredValue {
  if (
    typeof value !== "object" ||
    value === null ||
    Array.isArray(value) ||
    value instanceof Uint8Array
  )
    return false;
  const v = value as Record<string, StoredValue>;
  return typeof v.term === "number" && typeof v.index === "number" && "data" in v;
}
