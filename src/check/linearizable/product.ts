import { assert } from "../../core/assert.js";
import type { Operation } from "../history.js";
import type { AnyModel } from "../model.js";
import { mix, StateInterner } from "./interner.js";

/** The structure of a partitionable model, for searching a whole history at once. */
export interface Product {
  /** The model of one part (`Model.part`, determinized). */
  readonly part: AnyModel;
  /** The part each operation touches (`Model.partitionKey`). */
  keyOf(op: Operation): string | undefined;
}

/** Product interning is used up to this many parts; beyond, vectors would cost too much memory. */
export const PRODUCT_PARTS_MAX = 256;

/**
 * States of a partitionable model checked whole, interned as vectors of
 * per-part cell ids (a pruning-free speed-up of ours). A transition touches
 * one part: its cell's next id comes from a small memo over (cell, op), and
 * the whole state's hash changes by two XORs, so a step of the whole model
 * allocates nothing and never builds a map. By `Model.partitionKey`'s
 * contract (parts never constrain each other, `part` models one), the
 * vector is the whole state.
 */
export class ProductInterner {
  private readonly cells: StateInterner;
  private readonly partOf: Int32Array;
  private readonly parts: number;
  private vectors: Int32Array;
  private hashes: Int32Array;
  private slots: Int32Array;
  /** States interned. */
  count = 0;

  constructor(product: Product, ops: readonly Operation[]) {
    this.cells = new StateInterner(product.part);
    assert(this.cells.intern(product.part.init()) === 0, "the initial cell must be cell 0");
    const index = new Map<string | undefined, number>();
    this.partOf = new Int32Array(ops.length);
    ops.forEach((op, i) => {
      const key = product.keyOf(op);
      let k = index.get(key);
      if (k === undefined) {
        k = index.size;
        index.set(key, k);
      }
      this.partOf[i] = k;
    });
    this.parts = Math.max(1, index.size);
    this.vectors = new Int32Array(this.parts * 64);
    this.hashes = new Int32Array(64);
    this.slots = new Int32Array(128).fill(-1);
    let h = 0;
    for (let k = 0; k < this.parts; k++) h ^= cellHash(k, 0);
    this.add(h, -1, 0, 0, this.slotOf(h, -1, 0, 0));
  }

  /** Bytes held by the vectors, their tables and the cell interner. */
  bytes(): number {
    return (this.vectors.length + this.hashes.length + this.slots.length) * 4 + this.cells.bytes();
  }

  /** How many parts the operations touch. */
  static partsOf(product: Product, ops: readonly Operation[]): number {
    return new Set(ops.map((op) => product.keyOf(op))).size;
  }

  /** The id of the state after `op` in `state`, or -1 when it cannot happen there. */
  next(state: number, op: number, ops: readonly Operation[]): number {
    const k = this.partOf[op]!;
    const base = state * this.parts;
    const cell = this.vectors[base + k]!;
    const after = this.cells.next(cell, op, ops);
    if (after < 0) return -1;
    if (after === cell) return state;
    const h = this.hashes[state]! ^ cellHash(k, cell) ^ cellHash(k, after);
    const slot = this.slotOf(h, state, k, after);
    const found = this.slots[slot]!;
    return found >= 0 ? found : this.add(h, state, k, after, slot);
  }

  /** The slot holding the vector `state` with part k set to `cell` (or the empty slot where it goes). */
  private slotOf(h: number, state: number, k: number, cell: number): number {
    const parts = this.parts;
    const vectors = this.vectors;
    const mask = this.slots.length - 1;
    let slot = mix(h) & mask;
    for (;;) {
      const id = this.slots[slot]!;
      if (id < 0) return slot;
      if (this.hashes[id] === h) {
        const a = id * parts;
        const b = state * parts;
        let same = true;
        for (let j = 0; j < parts; j++) {
          const want = j === k ? cell : state < 0 ? 0 : vectors[b + j]!;
          if (vectors[a + j] !== want) {
            same = false;
            break;
          }
        }
        if (same) return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  private add(h: number, state: number, k: number, cell: number, slot: number): number {
    const id = this.count++;
    const parts = this.parts;
    if ((id + 1) * parts > this.vectors.length) {
      const grown = new Int32Array(this.vectors.length * 2);
      grown.set(this.vectors);
      this.vectors = grown;
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    if (state >= 0) this.vectors.copyWithin(id * parts, state * parts, (state + 1) * parts);
    this.vectors[id * parts + k] = cell;
    this.hashes[id] = h;
    this.slots[slot] = id;
    if (this.count * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = mix(this.hashes[id]!) & mask;
      while (slots[slot] !== -1) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.slots = slots;
  }
}

function cellHash(part: number, cell: number): number {
  return mix(Math.imul(part + 1, 0x9e3779b1) ^ Math.imul(cell + 1, 0x85ebca6b));
}
