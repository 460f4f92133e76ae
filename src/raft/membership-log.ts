import { assert } from "../core/assert.js";
import { isConfigCommand, type Membership } from "./membership.js";
import type { Entry } from "./messages.js";

/**
 * The configurations a server's log holds, so it always knows the one in
 * force: the latest configuration entry in its log, committed or not (thesis
 * §4.1), else the configuration its snapshot carries, else the one the
 * cluster was started with. Truncating the log falls back to the previous
 * configuration; compacting keeps the configuration at the snapshot's index.
 */
export class MembershipLog {
  private base: Membership;
  private baseIndex = 0;
  /** Configuration entries after `baseIndex`, by ascending index. */
  private readonly changes: { index: number; membership: Membership }[] = [];

  constructor(bootstrap: Membership) {
    this.base = bootstrap;
  }

  /** Starts over from `base` (in force at `baseIndex`) and the configuration entries among `entries`. */
  rebuild(base: Membership, baseIndex: number, entries: readonly Entry[]): void {
    this.base = base;
    this.baseIndex = baseIndex;
    this.changes.length = 0;
    for (const e of entries) this.appended(e);
  }

  /** Notes an entry appended to the log; true when it changed the configuration. */
  appended(entry: Entry): boolean {
    if (!isConfigCommand(entry.data)) return false;
    const last = this.changes[this.changes.length - 1]?.index ?? this.baseIndex;
    assert(entry.index > last, () => `raft: configuration at ${entry.index} after one at ${last}`);
    this.changes.push({ index: entry.index, membership: entry.data.membership });
    return true;
  }

  /** Notes that the log lost every entry from `index` on; true when the configuration changed. */
  truncatedFrom(index: number): boolean {
    let changed = false;
    while ((this.changes[this.changes.length - 1]?.index ?? 0) >= index) {
      this.changes.pop();
      changed = true;
    }
    return changed;
  }

  /** The configuration in force: that of the latest configuration entry. */
  current(): Membership {
    return this.changes[this.changes.length - 1]?.membership ?? this.base;
  }

  /** The index of the entry that made the configuration in force (the snapshot's or 0 when none in the log). */
  currentIndex(): number {
    return this.changes[this.changes.length - 1]?.index ?? this.baseIndex;
  }

  /** The configuration in force once the log is cut after `index` (at least the snapshot's index). */
  at(index: number): Membership {
    assert(
      index >= this.baseIndex,
      () => `raft: configuration at ${index} asked, known from ${this.baseIndex}`,
    );
    let m = this.base;
    for (const c of this.changes) {
      if (c.index > index) break;
      m = c.membership;
    }
    return m;
  }
}
