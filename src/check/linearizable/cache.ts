import { assert } from "../../core/assert.js";

/** `ConfigCache.insert` outcomes. */
export const SEEN = 0;
export const ADDED = 1;
export const FULL = 2;

const SLOTS_MIN = 1 << 10;

/**
 * The search's memo of configurations already explored: (set of linearized
 * operations as a bitset, interned model state). An open-addressing hash
 * table over typed arrays, so a lookup allocates nothing; the caller passes
 * the bitset's incremental (Zobrist) hash. Memory is counted and capped: when
 * adding would pass `bytesMax`, `insert` answers FULL and the search gives up
 * with `unknown` instead of growing.
 */
export class ConfigCache {
  private readonly words: number;
  private bits: Int32Array;
  private states: Int32Array;
  private hashes: Int32Array;
  private slots: Int32Array;
  private mask: number;
  private capacity: number;
  /** Configurations stored. */
  count = 0;

  constructor(
    words: number,
    private readonly bytesMax: number,
  ) {
    assert(words > 0, `ConfigCache: words must be > 0, got ${words}`);
    this.words = words;
    this.capacity = SLOTS_MIN >> 1;
    this.bits = new Int32Array(this.capacity * words);
    this.states = new Int32Array(this.capacity);
    this.hashes = new Int32Array(this.capacity);
    this.slots = new Int32Array(SLOTS_MIN);
    this.mask = SLOTS_MIN - 1;
  }

  /** Bytes held by the table now. */
  bytes(): number {
    return (this.bits.length + this.states.length + this.hashes.length + this.slots.length) * 4;
  }

  /**
   * Adds (bitset, state) unless present. `hash` must be a function of the
   * bitset alone. Returns SEEN, ADDED, or FULL (not added: over budget).
   */
  insert(bitset: Int32Array, hash: number, state: number): number {
    const h = (hash ^ Math.imul(state + 1, 0x9e3779b1)) | 0;
    const words = this.words;
    const bits = this.bits;
    let slot = (h ^ (h >>> 15)) & this.mask;
    for (;;) {
      const entry = this.slots[slot]! - 1;
      if (entry < 0) break;
      if (this.hashes[entry] === h && this.states[entry] === state) {
        const base = entry * words;
        let same = true;
        for (let w = 0; w < words; w++) {
          if (bits[base + w] !== bitset[w]) {
            same = false;
            break;
          }
        }
        if (same) return SEEN;
      }
      slot = (slot + 1) & this.mask;
    }
    if (this.count === this.capacity) {
      if (!this.grow()) return FULL;
      return this.insert(bitset, hash, state);
    }
    const entry = this.count++;
    this.bits.set(bitset, entry * words);
    this.states[entry] = state;
    this.hashes[entry] = h;
    this.slots[slot] = entry + 1;
    return ADDED;
  }

  private grow(): boolean {
    // Quadruple while small, so a big search rehashes a few times, not twenty.
    const factor = this.capacity < 1 << 18 ? 4 : 2;
    let capacity = this.capacity * factor;
    if (capacity * (this.words + 4) * 4 > this.bytesMax) capacity = this.capacity * 2;
    const slotCount = capacity * 2;
    const bytes = (capacity * (this.words + 2) + slotCount) * 4;
    if (bytes > this.bytesMax) return false;
    const bits = new Int32Array(capacity * this.words);
    bits.set(this.bits);
    const states = new Int32Array(capacity);
    states.set(this.states);
    const hashes = new Int32Array(capacity);
    hashes.set(this.hashes);
    const slots = new Int32Array(slotCount);
    const mask = slotCount - 1;
    for (let entry = 0; entry < this.count; entry++) {
      const h = hashes[entry]!;
      let slot = (h ^ (h >>> 15)) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.bits = bits;
    this.states = states;
    this.hashes = hashes;
    this.slots = slots;
    this.mask = mask;
    this.capacity = capacity;
    return true;
  }
}
