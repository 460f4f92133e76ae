import { assert } from "../../core/assert.js";

/** `ConfigCache.insert` outcomes. */
export const SEEN = 0;
export const ADDED = 1;
export const FULL = 2;

const SLOTS_MIN = 1 << 10;
/** Entries per arena chunk: growing adds chunks and never copies stored bitsets. */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
/** The first chunk starts this small and doubles up to CHUNK, so tiny searches allocate little. */
const FIRST_CHUNK = 64;

/**
 * The search's memo of configurations already explored: (set of linearized
 * operations as a bitset, interned model state). An open-addressing hash
 * table over typed arrays, so a lookup allocates nothing; the caller passes
 * the bitset's incremental (Zobrist) hash. Bitsets live in fixed-size
 * chunks, so growing only adds a chunk and rehashes the slot table. Memory
 * is counted and capped: when adding would pass `bytesMax`, `insert`
 * answers FULL and the search gives up with `unknown` instead of growing.
 */
export class ConfigCache {
  private readonly words: number;
  private readonly chunks: Int32Array[] = [];
  private states = new Int32Array(FIRST_CHUNK);
  private hashes = new Int32Array(FIRST_CHUNK);
  private slots = new Int32Array(SLOTS_MIN);
  private mask = SLOTS_MIN - 1;
  /** Configurations stored. */
  count = 0;

  constructor(
    words: number,
    private readonly bytesMax: number,
  ) {
    assert(words > 0, `ConfigCache: words must be > 0, got ${words}`);
    this.words = words;
    this.chunks.push(new Int32Array(FIRST_CHUNK * words));
  }

  /** Entries that fit before `addRoom` is needed. */
  private get room(): number {
    return Math.min(
      this.states.length,
      this.chunks.length === 1 ? this.chunks[0]!.length / this.words : this.chunks.length * CHUNK,
    );
  }

  /** Bytes held by the table now. */
  bytes(): number {
    return (
      (this.chunks.length * CHUNK * this.words + this.states.length * 2 + this.slots.length) * 4
    );
  }

  /**
   * Adds (bitset, state) unless present. `hash` must be a function of the
   * bitset alone. Returns SEEN, ADDED, or FULL (not added: over budget).
   */
  insert(bitset: Int32Array, hash: number, state: number): number {
    const h = (hash ^ Math.imul(state + 1, 0x9e3779b1)) | 0;
    const words = this.words;
    const slots = this.slots;
    const mask = this.mask;
    let slot = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const entry = slots[slot]! - 1;
      if (entry < 0) break;
      if (this.hashes[entry] === h && this.states[entry] === state) {
        const chunk = this.chunks[entry >>> CHUNK_BITS]!;
        const base = (entry & (CHUNK - 1)) * words;
        let w = 0;
        while (w < words && chunk[base + w] === bitset[w]) w++;
        if (w === words) return SEEN;
      }
      slot = (slot + 1) & mask;
    }
    const entry = this.count;
    if (entry === this.room && !this.addRoom()) return FULL;
    this.chunks[entry >>> CHUNK_BITS]!.set(bitset, (entry & (CHUNK - 1)) * words);
    this.states[entry] = state;
    this.hashes[entry] = h;
    slots[slot] = entry + 1;
    this.count++;
    if (this.count * 2 > slots.length) this.rehash();
    return ADDED;
  }

  /**
   * Makes room for entry `count`: doubles the first chunk while it is
   * small, else adds a chunk; doubles the state and hash arrays when full.
   */
  private addRoom(): boolean {
    const entry = this.count;
    const chunkBytes = entry < CHUNK ? entry * this.words * 4 : CHUNK * this.words * 4;
    const arrayBytes = entry === this.states.length ? entry * 2 * 4 : 0;
    if (this.bytes() + chunkBytes + arrayBytes > this.bytesMax) return false;
    if (entry < CHUNK) {
      const first = new Int32Array(Math.min(CHUNK, entry * 2) * this.words);
      first.set(this.chunks[0]!);
      this.chunks[0] = first;
    } else if (entry >>> CHUNK_BITS === this.chunks.length) {
      this.chunks.push(new Int32Array(CHUNK * this.words));
    }
    if (entry === this.states.length) {
      const states = new Int32Array(entry * 2);
      states.set(this.states);
      this.states = states;
      const hashes = new Int32Array(entry * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    return true;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    const hashes = this.hashes;
    for (let entry = 0; entry < this.count; entry++) {
      const h = hashes[entry]!;
      let slot = (h ^ (h >>> 15)) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
