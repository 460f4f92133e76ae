import type { Operation } from "../history.js";

/**
 * The history as Wing & Gong's doubly linked list of call and return
 * entries, in real-time order (a call before a return at equal times, so
 * operations whose intervals touch count as concurrent). Entry 0 is the head
 * sentinel and entry `2n + 1` the tail; entry `2i + 2` is the call of
 * operation i and `2i + 1` its return, so calls are the even entries and the
 * tail reads as a return. Lifting an operation unlinks both of
 * its entries in O(1); unlifting relinks them.
 */
export interface EntryList {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** Position of each entry in real-time order (head 0, tail last). */
  readonly position: Int32Array;
  readonly tail: number;
}

/** Builds the entry list of `ops` (indices 0..n-1). */
export function buildEntries(ops: readonly Operation[]): EntryList {
  const n = ops.length;
  const order: number[] = [];
  for (let i = 0; i < n; i++) order.push(2 * i + 2, 2 * i + 1);
  const time = (e: number): number => {
    const op = ops[(e - 1) >> 1]!;
    return e & 1 ? op.ret : op.call;
  };
  order.sort((a, b) => time(a) - time(b) || (a & 1) - (b & 1) || a - b);
  const tail = 2 * n + 1;
  const next = new Int32Array(tail + 1);
  const prev = new Int32Array(tail + 1);
  const position = new Int32Array(tail + 1);
  let last = 0;
  for (let k = 0; k < order.length; k++) {
    const e = order[k]!;
    next[last] = e;
    prev[e] = last;
    position[e] = k + 1;
    last = e;
  }
  next[last] = tail;
  prev[tail] = last;
  next[tail] = tail;
  position[tail] = tail;
  return { next, prev, position, tail };
}
