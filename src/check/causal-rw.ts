/**
 * The read/write view of a key-value or register history, shared by the
 * causal and session checkers. Both need a *differentiated* history: every
 * write to a key writes a value no other write to that key writes, so a
 * read's value names the one write it saw.
 */

import type { History, Operation } from "./history.js";

/** Raised when a history cannot be judged as a read/write history: the message names the operation and why. */
export class ReadWriteShapeError extends Error {
  override readonly name = "ReadWriteShapeError";
}

/** One read or write of the view. */
export interface RwOp {
  /** Index in `RwHistory.ops`. */
  readonly index: number;
  /** The operation's id in the whole history. */
  readonly id: number;
  readonly process: number;
  readonly kind: "read" | "write";
  /** The key (`""` for a single register). */
  readonly key: string;
  /** The value written or read, as canonical JSON. */
  readonly value: string;
  /** A read that returned the initial value (no write seen). */
  readonly initialRead: boolean;
}

/** A history as reads and writes, with each read's source write. */
export interface RwHistory {
  readonly ops: readonly RwOp[];
  /** Per process, its view indexes in program order. */
  readonly byProcess: ReadonlyMap<number, readonly number[]>;
  /**
   * For each view index: for a read, the index of the write it read from,
   * -1 for a read of the initial value, -2 when no write wrote its value
   * (a thin-air read); -1 for writes.
   */
  readonly source: Int32Array;
  /** Per key, the indexes of its writes. */
  readonly writesByKey: ReadonlyMap<string, readonly number[]>;
}

/**
 * The most reads and writes the causal and session checkers take: their
 * time and memory grow with the square of it or faster (at this size, about
 * 9 s for the causal checker and 18 s for the session checker on 2 cores).
 * Past it they refuse with a clear error rather than run for minutes.
 */
export const RW_OPS_MAX = 10_000;

/** Options of the read/write view. */
export interface RwOptions {
  /** The value a key holds before any write (default `null`); reads of it, or of nothing, saw no write. */
  readonly initial?: unknown;
}

const READS = new Set(["read", "get"]);
const WRITES = new Set(["write", "put"]);

/**
 * Builds the view. `fail` operations never happened and are dropped; an `ok`
 * read with no output read the initial value; `info` reads are dropped (their
 * value is unknown); an `info` write is kept only when some read returned its
 * value (then it certainly took effect). Throws `ReadWriteShapeError` for an
 * operation that is not a read or write, or a second write of a value to
 * the same key.
 */
export function toReadWrite(history: History, options: RwOptions = {}): RwHistory {
  const initial = JSON.stringify(options.initial ?? null);
  const seen = readValues(history, initial);
  const ops: RwOp[] = [];
  const writeOf = new Map<string, number>();
  for (const op of history) {
    const entry = viewEntry(op, initial, seen, ops.length);
    if (entry === undefined) continue;
    if (entry.kind === "write") {
      const slot = `${entry.key}\u0000${entry.value}`;
      const earlier = writeOf.get(slot);
      if (earlier !== undefined) {
        throw new ReadWriteShapeError(
          `op ${op.id}: writes ${entry.value} to key ${JSON.stringify(entry.key)}, as op ${ops[earlier]?.id} did; this checker needs unique written values per key`,
        );
      }
      writeOf.set(slot, entry.index);
    }
    ops.push(entry);
  }
  if (ops.length > RW_OPS_MAX) {
    throw new ReadWriteShapeError(
      `the history has ${ops.length} reads and writes; this checker takes at most ${RW_OPS_MAX} (its memory grows with the square)`,
    );
  }
  return index(ops, writeOf);
}

function readValues(history: History, initial: string): Set<string> {
  const seen = new Set<string>();
  for (const op of history) {
    if (op.status === "ok" && READS.has(op.f) && op.output !== undefined) {
      const value = JSON.stringify(op.output);
      if (value !== initial) seen.add(`${op.key ?? ""}\u0000${value}`);
    }
  }
  return seen;
}

function viewEntry(
  op: Operation,
  initial: string,
  seen: Set<string>,
  index: number,
): RwOp | undefined {
  const isRead = READS.has(op.f);
  if (!isRead && !WRITES.has(op.f)) {
    throw new ReadWriteShapeError(
      `op ${op.id}: f is ${JSON.stringify(op.f)}; this checker judges only read/get and write/put operations`,
    );
  }
  if (op.status === "fail") return undefined;
  const key = op.key ?? "";
  const base = { index, id: op.id, process: op.process, key };
  if (isRead) {
    if (op.status !== "ok") return undefined;
    const value = op.output === undefined ? initial : JSON.stringify(op.output);
    return { ...base, kind: "read", value, initialRead: value === initial };
  }
  const value = JSON.stringify(op.input ?? null);
  if (value === initial) {
    throw new ReadWriteShapeError(
      `op ${op.id}: writes the initial value ${initial}, so reads of it would be ambiguous`,
    );
  }
  if (op.status === "info" && !seen.has(`${key}\u0000${value}`)) return undefined;
  return { ...base, kind: "write", value, initialRead: false };
}

function index(ops: RwOp[], writeOf: Map<string, number>): RwHistory {
  const byProcess = new Map<number, number[]>();
  const writesByKey = new Map<string, number[]>();
  const source = new Int32Array(ops.length).fill(-1);
  for (const op of ops) {
    pushTo(byProcess, op.process, op.index);
    if (op.kind === "write") {
      pushTo(writesByKey, op.key, op.index);
    } else if (!op.initialRead) {
      source[op.index] = writeOf.get(`${op.key}\u0000${op.value}`) ?? -2;
    }
  }
  return { ops, byProcess, source, writesByKey };
}

function pushTo<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
