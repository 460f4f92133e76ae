/**
 * The constraint engine behind the session-guarantee checker. A history is
 * explained by an execution in which every key's writes are applied in one
 * order shared by all replicas (the arbitration order, e.g. last-writer-wins
 * timestamps or a log position: unknown to the checker), every read sees a
 * set of writes (its visible set, which holds the write it returned), and
 * returns the visible write to its key that is last in arbitration order.
 *
 * Each guarantee (Terry et al., 1994) forces writes into visible sets or
 * orders writes; the engine computes the smallest visible sets the chosen
 * guarantees force, then the arbitration edges those sets force, and finds
 * what no arbitration order can satisfy: a read of the initial value with a
 * write to its key visible, or a cycle of arbitration edges on one key.
 * Smallest sets are enough: larger ones only add constraints.
 */

import { findCycle } from "./causal-graph.js";
import { describeRw } from "./causal-patterns.js";
import type { RwHistory, RwOp } from "./causal-rw.js";
import { WriteSet } from "./session-bits.js";

/** Which guarantees' rules the engine applies. */
export interface SessionRules {
  /** read-your-writes: a session's earlier writes are visible to its reads */
  readonly ryw: boolean;
  /** monotonic reads: a read sees at least what the session's earlier reads saw */
  readonly mr: boolean;
  /** monotonic writes: whoever sees a write sees the session's earlier writes, ordered before it */
  readonly mw: boolean;
  /** writes-follow-reads: whoever sees a write sees what the session's earlier reads saw, ordered before it */
  readonly wfr: boolean;
}

/** One thing no arbitration order can explain. */
export interface RuleViolation {
  readonly key: string;
  /** The process of the read that saw too little, for a stale initial read. */
  readonly process?: number;
  /** History ids: the read then the write it should have seen; or a cycle of writes then the reads that forced it. */
  readonly ops: readonly number[];
  readonly explanation: string;
}

/** Caps the violations listed (the verdict does not depend on it). */
export const SESSION_VIOLATIONS_MAX = 20;

/** Applies `rules` to `rw` and lists what cannot be explained (empty when the rules hold). */
export function violatedRules(rw: RwHistory, rules: SessionRules): RuleViolation[] {
  const vis = visibleSets(rw, rules);
  const found: RuleViolation[] = [];
  const succ: number[][] = rw.ops.map(() => []);
  const reason = new Map<string, number>();
  const addEdge = (from: number, to: number, why: number): void => {
    const edge = `${from},${to}`;
    if (reason.has(edge)) return;
    reason.set(edge, why);
    succ[from]?.push(to);
  };
  for (const [r, seen] of vis) {
    const read = rw.ops[r] as RwOp;
    const from = rw.source[r] as number;
    // a thin-air read is reported on its own: no execution explains it
    if (from === -2) continue;
    for (const w of seen) {
      const write = rw.ops[w] as RwOp;
      if (write.key !== read.key || w === from) continue;
      if (read.initialRead) {
        if (found.length < SESSION_VIOLATIONS_MAX) found.push(staleInitial(read, write));
      } else {
        addEdge(w, from, r);
      }
    }
  }
  sessionOrderEdges(rw, rules, vis, addEdge);
  const cycles = cyclesPerKey(rw, succ, reason);
  return [...found, ...cycles];
}

function staleInitial(read: RwOp, write: RwOp): RuleViolation {
  return {
    key: read.key,
    process: read.process,
    ops: [read.id, write.id],
    explanation: `${describeRw(read)} but must see ${describeRw(write)}`,
  };
}

/** Arbitration edges forced by monotonic writes and writes-follow-reads inside each session. */
function sessionOrderEdges(
  rw: RwHistory,
  rules: SessionRules,
  vis: ReadonlyMap<number, Iterable<number>>,
  addEdge: (from: number, to: number, why: number) => void,
): void {
  if (!rules.mw && !rules.wfr) return;
  for (const list of rw.byProcess.values()) {
    // per key: the session's latest write (MW edges chain through it) and the writes its reads saw
    const lastWrite = new Map<string, number>();
    const seenSoFar = new Map<string, Set<number>>();
    for (const i of list) {
      const op = rw.ops[i] as RwOp;
      if (op.kind === "read") {
        for (const w of vis.get(i) ?? []) {
          const key = (rw.ops[w] as RwOp).key;
          const set = seenSoFar.get(key);
          if (set === undefined) seenSoFar.set(key, new Set([w]));
          else set.add(w);
        }
        continue;
      }
      const previous = lastWrite.get(op.key);
      if (rules.mw && previous !== undefined) addEdge(previous, i, i);
      if (rules.wfr) for (const w of seenSoFar.get(op.key) ?? []) if (w !== i) addEdge(w, i, i);
      lastWrite.set(op.key, i);
    }
  }
}

function cyclesPerKey(
  rw: RwHistory,
  succ: number[][],
  reason: ReadonlyMap<string, number>,
): RuleViolation[] {
  const out: RuleViolation[] = [];
  for (const [key, writes] of rw.writesByKey) {
    const local = new Map(writes.map((w, k) => [w, k]));
    const localSucc = writes.map((w) =>
      (succ[w] ?? []).map((t) => local.get(t)).filter((t): t is number => t !== undefined),
    );
    const cycle = findCycle(writes.length, localSucc);
    if (cycle === undefined) continue;
    const members = cycle.map((k) => writes[k] as number);
    const forcing: number[] = [];
    const steps = members.map((w, k) => {
      const next = members[(k + 1) % members.length] as number;
      const why = reason.get(`${w},${next}`) as number;
      if (!forcing.includes(why) && !members.includes(why)) forcing.push(why);
      const byWhom = why === next ? "the later write's session" : describeRw(rw.ops[why] as RwOp);
      return `${describeRw(rw.ops[w] as RwOp)} (before the next, by ${byWhom})`;
    });
    out.push({
      key,
      ops: [...members, ...forcing].map((i) => (rw.ops[i] as RwOp).id),
      explanation: `no order of the writes to ${JSON.stringify(key)} fits: ${steps.join(" → ")} → back to the first`,
    });
  }
  return out;
}

/** Builds empty write sets for `rw`. */
function writeSets(rw: RwHistory): () => WriteSet {
  const numberOf = new Int32Array(rw.ops.length).fill(-1);
  const viewOf: number[] = [];
  for (const op of rw.ops) {
    if (op.kind !== "write") continue;
    numberOf[op.index] = viewOf.length;
    viewOf.push(op.index);
  }
  return () => new WriteSet(numberOf, viewOf);
}

/**
 * The smallest visible set of every read, as view indexes of writes. A least
 * fixpoint: sets only grow, and a pass that changes nothing ends it. Each
 * pass walks the history in call order, so what a write depends on is
 * usually known before a read sees it, and few passes are needed.
 */
function visibleSets(rw: RwHistory, rules: SessionRules): Map<number, WriteSet> {
  const empty = writeSets(rw);
  const vis = new Map<number, WriteSet>();
  for (const op of rw.ops) {
    if (op.kind !== "read") continue;
    const seen = empty();
    const from = rw.source[op.index] as number;
    if (from >= 0) seen.add(from);
    vis.set(op.index, seen);
  }
  const positionOf = new Int32Array(rw.ops.length);
  for (const list of rw.byProcess.values())
    list.forEach((i, k) => {
      positionOf[i] = k;
    });
  const depends = new Map<number, WriteSet>();
  const needDepends = rules.mw || rules.wfr;
  for (let changed = true; changed; ) {
    changed = false;
    const sessions = new Map<
      number,
      { writes: WriteSet; carried: WriteSet; previousRead?: WriteSet }
    >();
    for (const op of rw.ops) {
      let session = sessions.get(op.process);
      if (session === undefined) {
        session = { writes: empty(), carried: empty() };
        sessions.set(op.process, session);
      }
      if (op.kind === "write") {
        session.writes.add(op.index);
        if (needDepends) {
          const mine = depends.get(op.index) ?? empty();
          if (mine.addAll(session.carried)) changed = true;
          depends.set(op.index, mine);
          if (rules.mw) session.carried.add(op.index);
        }
        continue;
      }
      const seen = vis.get(op.index) as WriteSet;
      if (rules.ryw && seen.addAll(session.writes)) changed = true;
      if (rules.mr && session.previousRead !== undefined && seen.addAll(session.previousRead)) {
        changed = true;
      }
      if (close(seen, depends, rw, positionOf)) changed = true;
      if (rules.wfr) session.carried.addAll(seen);
      session.previousRead = seen;
    }
  }
  return vis;
}

/**
 * Adds to `seen` what its writes depend on, until nothing is added. A
 * session's later write depends on all its earlier writes depend on, so
 * only each session's latest visible write needs looking at.
 */
function close(
  seen: WriteSet,
  depends: ReadonlyMap<number, WriteSet>,
  rw: RwHistory,
  positionOf: Int32Array,
): boolean {
  if (depends.size === 0) return false;
  let grew = false;
  for (let added = true; added; ) {
    added = false;
    const latest = new Map<number, number>();
    for (const w of seen) {
      const s = (rw.ops[w] as RwOp).process;
      const best = latest.get(s);
      if (best === undefined || (positionOf[w] as number) > (positionOf[best] as number)) {
        latest.set(s, w);
      }
    }
    for (const w of latest.values()) {
      const needs = depends.get(w);
      if (needs !== undefined && seen.addAll(needs)) added = true;
    }
    if (added) grew = true;
  }
  return grew;
}
