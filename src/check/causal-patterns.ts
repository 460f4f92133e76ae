/**
 * The bad patterns of Bouajjani et al. (POPL 2017) over a read/write view.
 * `co`, the causal order, is the transitive closure of program order (`po`)
 * and read-from (`wr`: a write to the read it was read by).
 */

import { ancestors, findCycle, hasBit, rowWords, topoOrder } from "./causal-graph.js";
import type { RwHistory, RwOp } from "./causal-rw.js";

/** The bad patterns, named as in the paper. */
export type BadPattern =
  /** a read returns a value no write wrote */
  | "ThinAirRead"
  /** co has a cycle: an operation causally precedes itself */
  | "CyclicCO"
  /** a read returns the initial value although a write to its key causally precedes it */
  | "WriteCOInitRead"
  /** a read returns w1's value although another write w2 to the key sits causally between w1 and the read */
  | "WriteCORead"
  /** the order in which reads force writes to be arbitrated (cf), together with co, has a cycle */
  | "CyclicCF"
  /** a process reads the initial value although, in the order its own reads force, a write to the key comes first */
  | "WriteHBInitRead"
  /** the order one process's reads force on writes (hb) has a cycle */
  | "CyclicHB";

/** One bad pattern found in a history. */
export interface BadPatternInstance {
  readonly pattern: BadPattern;
  /** The operations that form it, as history ids, in the order `explanation` names them. */
  readonly ops: readonly number[];
  /** For CM's patterns: the process whose view is inconsistent. */
  readonly process?: number;
  /** A sentence naming the operations and what is wrong. */
  readonly explanation: string;
}

/** Describes a view operation: `#3 w(x, 1)` or `#4 r(x) → 1`. */
export function describeRw(op: RwOp): string {
  const key = op.key === "" ? "" : `${JSON.stringify(op.key)}`;
  if (op.kind === "write") return `#${op.id} w(${key}${key === "" ? "" : ", "}${op.value})`;
  return `#${op.id} p${op.process} r(${key}) → ${op.initialRead ? "initial" : op.value}`;
}

/** The CC check's outcome, and the co graph for the other checks when no pattern was found. */
export interface CcOutcome {
  readonly pattern: BadPatternInstance | undefined;
  readonly succ: number[][];
  readonly ancestors: Uint32Array;
}

/** Finds the first CC bad pattern: ThinAirRead, CyclicCO, WriteCOInitRead, WriteCORead in that order. */
export function findCcPattern(rw: RwHistory): CcOutcome {
  const n = rw.ops.length;
  const empty = { succ: [], ancestors: new Uint32Array(0) };
  const thin = rw.ops.find((op) => rw.source[op.index] === -2);
  if (thin !== undefined) {
    const explanation = `${describeRw(thin)} returns a value no write to that key wrote`;
    return { pattern: { pattern: "ThinAirRead", ops: [thin.id], explanation }, ...empty };
  }
  const succ = coEdges(rw);
  const order = topoOrder(n, succ);
  if (order === undefined) {
    const cycle = (findCycle(n, succ) ?? []).map((i) => rw.ops[i] as RwOp);
    const explanation = `causal order cycle: ${cycle.map(describeRw).join(" → ")} → back to the first`;
    const ops = cycle.map((op) => op.id);
    return { pattern: { pattern: "CyclicCO", ops, explanation }, ...empty };
  }
  const anc = ancestors(n, succ, order);
  const pattern = writeCoInitRead(rw, anc) ?? writeCoRead(rw, anc);
  return { pattern, succ, ancestors: anc };
}

/** Program-order edges between consecutive operations of a process, and read-from edges. */
function coEdges(rw: RwHistory): number[][] {
  const succ: number[][] = rw.ops.map(() => []);
  for (const list of rw.byProcess.values()) {
    for (let i = 1; i < list.length; i++) succ[list[i - 1] as number]?.push(list[i] as number);
  }
  for (const op of rw.ops) {
    const from = rw.source[op.index] as number;
    if (from >= 0) succ[from]?.push(op.index);
  }
  return succ;
}

function writeCoInitRead(rw: RwHistory, anc: Uint32Array): BadPatternInstance | undefined {
  const words = rowWords(rw.ops.length);
  for (const read of rw.ops) {
    if (!read.initialRead) continue;
    for (const w of rw.writesByKey.get(read.key) ?? []) {
      if (!hasBit(anc, words, read.index, w)) continue;
      const write = rw.ops[w] as RwOp;
      const explanation = `${describeRw(read)} although ${describeRw(write)} causally precedes it`;
      return { pattern: "WriteCOInitRead", ops: [write.id, read.id], explanation };
    }
  }
  return undefined;
}

function writeCoRead(rw: RwHistory, anc: Uint32Array): BadPatternInstance | undefined {
  const words = rowWords(rw.ops.length);
  for (const read of rw.ops) {
    const from = rw.source[read.index] as number;
    if (from < 0) continue;
    for (const w of rw.writesByKey.get(read.key) ?? []) {
      if (w === from || !hasBit(anc, words, read.index, w) || !hasBit(anc, words, w, from)) {
        continue;
      }
      const [w1, w2] = [rw.ops[from] as RwOp, rw.ops[w] as RwOp];
      const explanation = `${describeRw(read)} reads ${describeRw(w1)}, but ${describeRw(w2)} causally follows that write and precedes the read`;
      return { pattern: "WriteCORead", ops: [w1.id, w2.id, read.id], explanation };
    }
  }
  return undefined;
}

/**
 * CCv's extra pattern. A read r of w's value, with another write w' to the
 * key in r's causal past, forces w' before w in the one arbitration order all
 * replicas share (the conflict relation cf); CyclicCF is a cycle in co ∪ cf.
 */
export function findCcvPattern(
  rw: RwHistory,
  coSucc: readonly (readonly number[])[],
  anc: Uint32Array,
): BadPatternInstance | undefined {
  const words = rowWords(rw.ops.length);
  const succ = coSucc.map((targets) => [...targets]);
  const reason = new Map<string, number>();
  for (const read of rw.ops) {
    const from = rw.source[read.index] as number;
    if (from < 0) continue;
    for (const w of rw.writesByKey.get(read.key) ?? []) {
      if (w === from || !hasBit(anc, words, read.index, w)) continue;
      succ[w]?.push(from);
      reason.set(`${w},${from}`, read.index);
    }
  }
  const cycle = findCycle(rw.ops.length, succ);
  if (cycle === undefined) return undefined;
  return cycleInstance(rw, cycle, reason, "CyclicCF", undefined);
}

/**
 * CM's extra patterns, per process p: hb_p is the least transitive relation
 * holding co and, for each read r of p that returns w's value, an edge w' → w
 * for every other write w' to the key that is hb_p-before r. A cycle in hb_p
 * is CyclicHB; a read of p returning the initial value with a write to its
 * key hb_p-before it is WriteHBInitRead.
 */
export function findCmPattern(
  rw: RwHistory,
  coSucc: readonly (readonly number[])[],
): BadPatternInstance | undefined {
  const processes = [...rw.byProcess.keys()].sort((a, b) => a - b);
  for (const process of processes) {
    const found = cmForProcess(rw, coSucc, process);
    if (found !== undefined) return found;
  }
  return undefined;
}

function cmForProcess(
  rw: RwHistory,
  coSucc: readonly (readonly number[])[],
  process: number,
): BadPatternInstance | undefined {
  const n = rw.ops.length;
  const words = rowWords(n);
  const succ = coSucc.map((targets) => [...targets]);
  const reason = new Map<string, number>();
  const reads = (rw.byProcess.get(process) ?? []).filter((i) => rw.ops[i]?.kind === "read");
  // Each round adds at least one edge, and there are at most n² of them.
  for (let round = 0; round <= n * n; round++) {
    const order = topoOrder(n, succ);
    if (order === undefined) {
      const cycle = findCycle(n, succ) ?? [];
      return cycleInstance(rw, cycle, reason, "CyclicHB", process);
    }
    const anc = ancestors(n, succ, order);
    let added = false;
    for (const r of reads) {
      const read = rw.ops[r] as RwOp;
      const from = rw.source[r] as number;
      for (const w of rw.writesByKey.get(read.key) ?? []) {
        if (w === from || !hasBit(anc, words, r, w)) continue;
        if (read.initialRead) return writeHbInitRead(rw.ops[w] as RwOp, read, process);
        const edge = `${w},${from}`;
        if (reason.has(edge)) continue;
        reason.set(edge, r);
        succ[w]?.push(from);
        added = true;
      }
    }
    if (!added) return undefined;
  }
  return undefined;
}

function writeHbInitRead(write: RwOp, read: RwOp, process: number): BadPatternInstance {
  const explanation = `${describeRw(read)} although, in the order process ${process}'s reads force, ${describeRw(write)} comes before it`;
  return { pattern: "WriteHBInitRead", ops: [write.id, read.id], process, explanation };
}

function cycleInstance(
  rw: RwHistory,
  cycle: readonly number[],
  reason: ReadonlyMap<string, number>,
  pattern: "CyclicCF" | "CyclicHB",
  process: number | undefined,
): BadPatternInstance {
  const steps: string[] = [];
  const ids: number[] = [];
  for (let i = 0; i < cycle.length; i++) {
    const from = cycle[i] as number;
    const to = cycle[(i + 1) % cycle.length] as number;
    const op = rw.ops[from] as RwOp;
    ids.push(op.id);
    const forcedBy = reason.get(`${from},${to}`);
    const why =
      forcedBy === undefined ? "" : ` (forced by ${describeRw(rw.ops[forcedBy] as RwOp)})`;
    steps.push(`${describeRw(op)}${why}`);
  }
  for (const r of reason.values()) {
    const id = (rw.ops[r] as RwOp).id;
    if (!ids.includes(id) && steps.some((s) => s.includes(`#${id} `))) ids.push(id);
  }
  const whose = process === undefined ? "" : ` in process ${process}'s view`;
  const explanation = `writes ordered in a cycle${whose}: ${steps.join(" → ")} → back to the first`;
  return process === undefined
    ? { pattern, ops: ids, explanation }
    : { pattern, ops: ids, process, explanation };
}
