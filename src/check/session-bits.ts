/**
 * A set of writes as a bitset over the writes' dense numbers, for the
 * session engine: unions are word-wide ORs, so visible sets that grow to
 * every write in a long history stay cheap. Iterates view indexes.
 */
export class WriteSet implements Iterable<number> {
  private readonly words: Uint32Array;

  /**
   * @param numberOf dense number of each write, by view index (-1 for reads)
   * @param viewOf view index of each dense write number
   */
  constructor(
    private readonly numberOf: Int32Array,
    private readonly viewOf: readonly number[],
  ) {
    this.words = new Uint32Array((viewOf.length + 31) >>> 5);
  }

  /** Adds the write at view index `w`; true when it was not there. */
  add(w: number): boolean {
    const n = this.numberOf[w] as number;
    const bit = 1 << (n & 31);
    const at = n >>> 5;
    const word = this.words[at] as number;
    if ((word & bit) !== 0) return false;
    this.words[at] = word | bit;
    return true;
  }

  has(w: number): boolean {
    const n = this.numberOf[w] as number;
    return n >= 0 && ((this.words[n >>> 5] as number) & (1 << (n & 31))) !== 0;
  }

  /** Adds every write of `other`; true when that added any. */
  addAll(other: WriteSet): boolean {
    let changed = false;
    const mine = this.words;
    const theirs = other.words;
    for (let i = 0; i < mine.length; i++) {
      const before = mine[i] as number;
      const after = (before | (theirs[i] as number)) >>> 0;
      if (after !== before) {
        mine[i] = after;
        changed = true;
      }
    }
    return changed;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.words.length; i++) {
      let word = this.words[i] as number;
      while (word !== 0) {
        const low = word & -word;
        const n = (i << 5) + (31 - Math.clz32(low));
        yield this.viewOf[n] as number;
        word = (word ^ low) >>> 0;
      }
    }
  }
}
