import { assert } from "../core/assert.js";
import type { NodeId } from "../core/ids.js";

/**
 * A vector clock (Fidge 1988, Mattern 1989): entry i counts the events of
 * process i that the holder has seen. Dense by `NodeId`; a missing entry is 0.
 * Values are immutable arrays: every operation returns a new one in canonical
 * form (no trailing zeros), so two clocks that mean the same are deep-equal.
 */
export type VectorClock = readonly number[];

/** How two vector clocks relate: `before` means a < b (a happened before b). */
export type VectorOrder = "before" | "after" | "equal" | "concurrent";

/** The clock of a process that has seen nothing. */
export const VECTOR_ZERO: VectorClock = Object.freeze([]);

/** Entry `i` of `v` (0 when absent). */
export function vectorAt(v: VectorClock, i: NodeId): number {
  return v[i] ?? 0;
}

/** `v` with its entry for `self` raised by one: a local, send or receive event of `self`. */
export function vectorTick(v: VectorClock, self: NodeId): VectorClock {
  checkIndex(self);
  const out = Array.from({ length: Math.max(v.length, self + 1) }, (_, i) => v[i] ?? 0);
  assert(out[self]! < Number.MAX_SAFE_INTEGER, () => `vector entry ${self} overflow`);
  out[self] = out[self]! + 1;
  return out;
}

/** The entry-wise maximum of `a` and `b`: the least clock that has seen both. */
export function vectorMerge(a: VectorClock, b: VectorClock): VectorClock {
  const length = Math.max(a.length, b.length);
  const out = new Array<number>(length);
  for (let i = 0; i < length; i++) out[i] = Math.max(a[i] ?? 0, b[i] ?? 0);
  return trim(out);
}

/**
 * Compares `a` with `b`: `before` when a ≤ b entry-wise and a ≠ b, `after`
 * for the converse, `equal` when every entry matches, otherwise `concurrent`.
 * For clocks stamped by the usual rules, `before` holds exactly when a's event
 * happened before b's.
 */
export function vectorCompare(a: VectorClock, b: VectorClock): VectorOrder {
  let less = false;
  let greater = false;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x < y) less = true;
    else if (x > y) greater = true;
  }
  if (less && greater) return "concurrent";
  if (less) return "before";
  if (greater) return "after";
  return "equal";
}

/** `v` in canonical form, after checking every entry is a non-negative safe integer. */
export function vectorFrom(entries: readonly number[]): VectorClock {
  entries.forEach((e, i) => {
    if (!Number.isSafeInteger(e) || e < 0) {
      throw new RangeError(`vector clock[${i}]: expected a non-negative safe integer, got ${e}`);
    }
  });
  return trim([...entries]);
}

function trim(out: number[]): number[] {
  let end = out.length;
  while (end > 0 && out[end - 1] === 0) end--;
  out.length = end;
  return out;
}

function checkIndex(i: NodeId): void {
  if (!Number.isSafeInteger(i) || i < 0 || i > 0xffffff) {
    throw new RangeError(`vector clock index: expected a node id in 0..16777215, got ${i}`);
  }
}
