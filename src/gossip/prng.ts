/**
 * A small, fast seeded PRNG (sfc32, Chris Doty-Humphrey's "small fast
 * counting" generator) for the round-based models: the same seed always gives
 * the same stream, on every host. Not for cryptography.
 */
export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** Seeds from any safe integer; distinct seeds give unrelated streams. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`prng seed: expected a safe integer, got ${seed}`);
    }
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = seed >>> 0;
    this.#d = Math.floor(seed / 0x100000000) >>> 0;
    for (let i = 0; i < 16; i++) this.nextUint32();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A uniform number in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x100000000;
  }

  /** A uniform integer in [0, bound), for 1 <= bound <= 2^32 (bias at most bound / 2^32). */
  below(bound: number): number {
    return Math.floor(this.next() * bound);
  }
}
