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
  vis: ReadonlyMap<number, ReadonlySet<number>>,
  addEdge: (from: number, to: number, why: number) => void,
): void {
  if (!rules.mw && !rules.wfr) return;
  for (const list of rw.byProcess.values()) {
    const writesSoFar: number[] = [];
    const seenSoFar = new Set<number>();
    for (const i of list) {
      const op = rw.ops[i] as RwOp;
      if (op.kind === "read") {
        for (const w of vis.get(i) ?? []) seenSoFar.add(w);
        continue;
      }
      if (rules.mw) {
        for (const w of writesSoFar) if (rw.ops[w]?.key === op.key) addEdge(w, i, i);
      }
      if (rules.wfr) {
        for (const w of seenSoFar) if (w !== i && rw.ops[w]?.key === op.key) addEdge(w, i, i);
      }
      writesSoFar.push(i);
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

/**
 * The smallest visible set of every read that returned a written value or
 * the initial value, as view indexes of writes. A least fixpoint: sets only
 * grow, and each round that changes one adds a write, so it ends.
 */
function visibleSets(rw: RwHistory, rules: SessionRules): Map<number, Set<number>> {
  const vis = new Map<number, Set<number>>();
  for (const op of rw.ops) {
    if (op.kind !== "read") continue;
    const from = rw.source[op.index] as number;
    vis.set(op.index, new Set(from >= 0 ? [from] : []));
  }
  for (let changed = true; changed; ) {
    changed = false;
    const depends = writeDependencies(rw, rules, vis);
    for (const list of rw.byProcess.values()) {
      const writesSoFar: number[] = [];
      let previousRead: Set<number> | undefined;
      for (const i of list) {
        const op = rw.ops[i] as RwOp;
        if (op.kind === "write") {
          writesSoFar.push(i);
          continue;
        }
        const seen = vis.get(i) as Set<number>;
        const before = seen.size;
        if (rules.ryw) for (const w of writesSoFar) seen.add(w);
        if (rules.mr && previousRead !== undefined) for (const w of previousRead) seen.add(w);
        close(seen, depends);
        if (seen.size !== before) changed = true;
        previousRead = seen;
      }
    }
  }
  return vis;
}

/** What must be visible with each write: its session's earlier writes (MW) and what its session's earlier reads saw (WFR). */
function writeDependencies(
  rw: RwHistory,
  rules: SessionRules,
  vis: ReadonlyMap<number, ReadonlySet<number>>,
): Map<number, Set<number>> {
  const depends = new Map<number, Set<number>>();
  if (!rules.mw && !rules.wfr) return depends;
  for (const list of rw.byProcess.values()) {
    const carried = new Set<number>();
    for (const i of list) {
      const op = rw.ops[i] as RwOp;
      if (op.kind === "read") {
        if (rules.wfr) for (const w of vis.get(i) ?? []) carried.add(w);
        continue;
      }
      depends.set(i, new Set(carried));
      if (rules.mw) carried.add(i);
    }
  }
  return depends;
}

function close(seen: Set<number>, depends: ReadonlyMap<number, ReadonlySet<number>>): void {
  if (depends.size === 0) return;
  const work = [...seen];
  while (work.length > 0) {
    const w = work.pop() as number;
    for (const d of depends.get(w) ?? []) {
      if (seen.has(d)) continue;
      seen.add(d);
      work.push(d);
    }
  }
}
