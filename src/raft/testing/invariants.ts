import { AssertionError } from "../../core/assert.js";
import type { NodeId } from "../../core/ids.js";
import type { Entry } from "../messages.js";
import type { RaftView } from "../node.js";

interface Seen {
  /** The log array object last checked: a restarted node has a new one. */
  log: readonly Entry[];
  /** Entries 1..checked were checked against the global map; `lastChecked` is the entry at `checked`. */
  checked: number;
  lastChecked: Entry | undefined;
  /** Committed entries 1..commitChecked of this node were compared with the global committed prefix. */
  commitChecked: number;
  /** Its leader term and log length when last seen leading, for the append-only check. */
  leaderTerm: number;
  leaderLength: number;
  leaderLast: Entry | undefined;
  /** Committed entries 1..completeUpTo were found in its log while it led `leaderTerm`. */
  completeUpTo: number;
}

const entryText = new WeakMap<Entry, string>();
function fingerprint(e: Entry): string {
  let text = entryText.get(e);
  if (text === undefined) {
    text = JSON.stringify(e.data);
    entryText.set(e, text);
  }
  return text;
}

/**
 * Checks the Raft paper's Figure 3 properties across every node after each
 * step of a run, seeing all nodes at once as no node can:
 *
 * - Election safety: at most one leader per term.
 * - Leader append-only: while a node leads a term its log only grows.
 * - Log matching: two entries with the same index and term hold the same
 *   command and follow entries of the same term (so, inductively, the same log).
 * - Leader completeness: an entry committed in term T (first seen committed by
 *   a node in term T) is in the log of every leader of a term above T.
 * - State machine safety: no two nodes commit (hence apply) different entries
 *   at one index.
 *
 * Each failure throws an `AssertionError` naming the nodes, index and terms.
 */
export class InvariantChecker {
  private readonly leaders = new Map<number, NodeId>();
  /** index -> "term|prevTerm|command" of the first entry seen with that index and term. */
  private readonly byIndexTerm = new Map<string, string>();
  /** committed[i - 1]: the entry committed at index i and the lowest term of a commit point covering it. */
  private readonly committed: { term: number; text: string; commitTerm: number }[] = [];
  private readonly seen = new Map<NodeId, Seen>();
  /** Steps checked, for reports. */
  steps = 0;

  /** Checks every property against the nodes' current state. Crashed nodes are simply absent. */
  check(views: readonly RaftView[]): void {
    this.steps++;
    for (const v of views) this.electionSafety(v);
    for (const v of views) this.logMatching(v);
    for (const v of views) this.recordCommitted(v);
    for (const v of views) this.appendOnlyAndCompleteness(v);
  }

  /** The committed prefix seen so far, by term, for reports and tests. */
  committedTerms(): number[] {
    return this.committed.map((c) => c.term);
  }

  private fail(message: string): never {
    throw new AssertionError(`invariant: ${message}`);
  }

  private electionSafety(v: RaftView): void {
    if (v.role !== "leader") return;
    const other = this.leaders.get(v.term);
    if (other === undefined) this.leaders.set(v.term, v.id);
    else if (other !== v.id)
      this.fail(`election safety: n${other} and n${v.id} both lead term ${v.term}`);
  }

  private seenOf(v: RaftView): Seen {
    let s = this.seen.get(v.id);
    if (s === undefined || s.log !== v.log) {
      s = {
        log: v.log,
        checked: 0,
        lastChecked: undefined,
        commitChecked: 0,
        leaderTerm: 0,
        leaderLength: 0,
        leaderLast: undefined,
        completeUpTo: 0,
      };
      this.seen.set(v.id, s);
    }
    return s;
  }

  private logMatching(v: RaftView): void {
    const s = this.seenOf(v);
    const base = v.snapshotIndex;
    const last = base + v.log.length;
    if (base > 0) {
      const c = this.committed[base - 1];
      if (c !== undefined && c.term !== v.snapshotTerm) {
        this.fail(
          `snapshot: n${v.id} snapshot ends at ${base}:${v.snapshotTerm}, committed ${base}:${c.term}`,
        );
      }
    }
    // Entries are immutable objects and a truncation replaces every entry from
    // its index on, so an unchanged entry at `checked` means an unchanged prefix.
    let from = s.checked + 1;
    if (s.checked <= base || s.checked > last || entryAt(v, s.checked) !== s.lastChecked) {
      if (s.checked > base) s.commitChecked = Math.min(s.commitChecked, v.commitIndex);
      from = base + 1;
    }
    for (let index = from; index <= last; index++) {
      const e = entryAt(v, index) as Entry;
      if (e.index !== index)
        this.fail(`log: n${v.id} holds index ${e.index} where ${index} belongs`);
      const prevTerm = index === base + 1 ? v.snapshotTerm : (entryAt(v, index - 1) as Entry).term;
      const key = `${e.index}:${e.term}`;
      const text = `${prevTerm}|${fingerprint(e)}`;
      const first = this.byIndexTerm.get(key);
      if (first === undefined) this.byIndexTerm.set(key, text);
      else if (first !== text) {
        this.fail(`log matching: n${v.id} entry ${key} is ${text}, another node holds ${first}`);
      }
    }
    s.checked = last;
    s.lastChecked = entryAt(v, last);
  }

  private recordCommitted(v: RaftView): void {
    const base = v.snapshotIndex;
    if (v.commitIndex > base + v.log.length) {
      this.fail(`n${v.id} commit ${v.commitIndex} beyond its log ${base + v.log.length}`);
    }
    if (v.appliedIndex > v.commitIndex) {
      this.fail(`n${v.id} applied ${v.appliedIndex} beyond commit ${v.commitIndex}`);
    }
    if (v.commitIndex < base)
      this.fail(`n${v.id} commit ${v.commitIndex} below its snapshot ${base}`);
    const s = this.seenOf(v);
    if (v.commitIndex <= s.commitChecked) return;
    // An entry is committed "in" the term of the first node seen holding it
    // committed: a leader commits in its own term, and the harness sees that
    // step. A node's term never decreases, so entries below commitChecked
    // already got a term no higher than this one. Entries inside a snapshot
    // were checked when some node first committed them.
    const commitTerm = v.term;
    for (let i = Math.max(s.commitChecked, base) + 1; i <= v.commitIndex; i++) {
      const e = entryAt(v, i) as Entry;
      const have = this.committed[i - 1];
      if (have === undefined) {
        if (this.committed.length === i - 1) {
          this.committed.push({ term: e.term, text: fingerprint(e), commitTerm });
        }
      } else if (have.term !== e.term || have.text !== fingerprint(e)) {
        this.fail(
          `state machine safety: n${v.id} committed ${i}:${e.term} ${fingerprint(e)}, ` +
            `earlier committed ${i}:${have.term} ${have.text}`,
        );
      } else if (commitTerm < have.commitTerm) {
        have.commitTerm = commitTerm;
      }
    }
    s.commitChecked = v.commitIndex;
  }

  private appendOnlyAndCompleteness(v: RaftView): void {
    const s = this.seenOf(v);
    if (v.role !== "leader") {
      s.leaderTerm = 0;
      return;
    }
    const base = v.snapshotIndex;
    const last = base + v.log.length;
    if (s.leaderTerm === v.term) {
      const kept = s.leaderLength <= base || entryAt(v, s.leaderLength) === s.leaderLast;
      if (last < s.leaderLength || !kept) {
        this.fail(
          `leader append-only: n${v.id} leading term ${v.term} changed its log at or below index ${s.leaderLength}`,
        );
      }
    } else {
      s.leaderTerm = v.term;
      s.completeUpTo = 0;
    }
    s.leaderLength = last;
    s.leaderLast = entryAt(v, last);
    for (let i = s.completeUpTo + 1; i <= this.committed.length; i++) {
      const c = this.committed[i - 1] as { term: number; text: string; commitTerm: number };
      if (c.commitTerm >= v.term || i < base) continue;
      const e = entryAt(v, i);
      const held =
        i === base
          ? v.snapshotTerm === c.term
          : e !== undefined && e.term === c.term && fingerprint(e) === c.text;
      if (!held) {
        this.fail(
          `leader completeness: n${v.id} leads term ${v.term} without entry ${i}:${c.term} committed by term ${c.commitTerm}`,
        );
      }
    }
    s.completeUpTo = this.committed.length;
  }
}

/** The entry at `index` in a view's log, or undefined when compacted or beyond it. */
function entryAt(v: RaftView, index: number): Entry | undefined {
  return index > v.snapshotIndex ? v.log[index - v.snapshotIndex - 1] : undefined;
}
