import type { Operation } from "../history.js";
import type { AnyModel } from "../model.js";

const EMPTY = -1;
/** Memo misses after which the memo is judged: kept if at least as many hits came with them. */
const MEMO_PROBATION = 1 << 16;
/** A rough size of one interned state on the JS heap, for the memory budget. */
const STATE_BYTES_GUESS = 48;

/**
 * Model states interned as small integers, and the model's transitions
 * memoised on (state id, operation index): the search then compares and
 * hashes integers, and calls `Model.step` once per distinct transition. Both
 * tables are open-addressing hash tables over typed arrays.
 */
export class StateInterner {
  /** Interned states by id. */
  readonly states: unknown[] = [];
  private stateHashes = new Int32Array(64);
  private stateSlots = new Int32Array(128).fill(EMPTY);
  // Transitions: parallel arrays of (state, op) keys and next-state values.
  private fromState = new Int32Array(256).fill(EMPTY);
  private fromOp = new Int32Array(256);
  private toState = new Int32Array(256);
  private transitions = 0;
  // The memo pays only when transitions repeat; it is dropped when most lookups miss.
  private memoOn = true;
  private misses = 0;
  private hits = 0;

  constructor(private readonly model: AnyModel) {}

  /** The id of `state`, interning it if new. */
  intern(state: unknown): number {
    const h = this.model.hash(state) | 0;
    const mask = this.stateSlots.length - 1;
    let slot = mix(h) & mask;
    for (;;) {
      const id = this.stateSlots[slot]!;
      if (id === EMPTY) break;
      if (this.stateHashes[id] === h && this.model.equal(this.states[id], state)) return id;
      slot = (slot + 1) & mask;
    }
    const id = this.states.push(state) - 1;
    if (id === this.stateHashes.length) {
      const hashes = new Int32Array(id * 2);
      hashes.set(this.stateHashes);
      this.stateHashes = hashes;
    }
    this.stateHashes[id] = h;
    this.stateSlots[slot] = id;
    if (this.states.length * 2 > this.stateSlots.length) this.rehashStates();
    return id;
  }

  /**
   * The id of the state after operation `op` (an index into `ops`) in state
   * `state`, or -1 when the operation cannot happen there.
   */
  next(state: number, op: number, ops: readonly Operation[]): number {
    if (!this.memoOn) return this.step(state, op, ops);
    const keys = this.fromState;
    const mask = keys.length - 1;
    let slot = mix(Math.imul(state, 0x9e3779b1) ^ op) & mask;
    for (;;) {
      const s = keys[slot]!;
      if (s === EMPTY) break;
      if (s === state && this.fromOp[slot] === op) {
        this.hits++;
        return this.toState[slot]!;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.step(state, op, ops);
    keys[slot] = state;
    this.fromOp[slot] = op;
    this.toState[slot] = id;
    if (++this.transitions * 2 > keys.length) this.rehashTransitions();
    if (++this.misses === MEMO_PROBATION) this.judgeMemo();
    return id;
  }

  /** Bytes held by the tables and (roughly) the interned states. */
  bytes(): number {
    const typed = this.stateHashes.length + this.stateSlots.length + this.fromState.length * 3;
    return typed * 4 + this.states.length * STATE_BYTES_GUESS;
  }

  private step(state: number, op: number, ops: readonly Operation[]): number {
    const after = this.model.step(this.states[state], ops[op]!);
    return after === undefined ? -1 : this.intern(after);
  }

  /** After a probation of misses, keeps the memo only if transitions repeat often enough. */
  private judgeMemo(): void {
    if (this.hits < this.misses) {
      this.memoOn = false;
      this.fromState = new Int32Array(0);
      this.fromOp = new Int32Array(0);
      this.toState = new Int32Array(0);
    }
  }

  private rehashStates(): void {
    const slots = new Int32Array(this.stateSlots.length * 2).fill(EMPTY);
    const mask = slots.length - 1;
    for (let id = 0; id < this.states.length; id++) {
      let slot = mix(this.stateHashes[id]!) & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.stateSlots = slots;
  }

  private rehashTransitions(): void {
    const size = this.fromState.length * 2;
    const fromState = new Int32Array(size).fill(EMPTY);
    const fromOp = new Int32Array(size);
    const toState = new Int32Array(size);
    const mask = size - 1;
    for (let old = 0; old < this.fromState.length; old++) {
      const s = this.fromState[old]!;
      if (s === EMPTY) continue;
      const op = this.fromOp[old]!;
      let slot = mix(Math.imul(s, 0x9e3779b1) ^ op) & mask;
      while (fromState[slot] !== EMPTY) slot = (slot + 1) & mask;
      fromState[slot] = s;
      fromOp[slot] = op;
      toState[slot] = this.toState[old]!;
    }
    this.fromState = fromState;
    this.fromOp = fromOp;
    this.toState = toState;
  }
}

/** A 32-bit finalizer (from MurmurHash3) so that nearby keys spread over a table. */
export function mix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}
