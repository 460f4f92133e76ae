const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/**
 * An incremental 64-bit hash over the numeric fields of trace events: a 32-bit
 * multiply-xorshift chain over each event's words, folded into a second 32-bit
 * lane after every event. Cheap enough to run on every event, so every run has
 * a hash whether or not its full trace is kept. Equal inputs give equal hashes
 * on any little-endian machine (integer arithmetic only; times enter as their
 * 64 bits, read through a typed-array view in platform byte order).
 */
export class TraceHash {
  private h1 = 0x811c9dc5;
  private h2 = 0x9747b28c;

  /** Mixes one 32-bit integer. */
  word(x: number): void {
    let a = Math.imul(this.h1 ^ x, 0x9e3779b1);
    this.h1 = a ^ (a >>> 15);
    a = Math.imul(this.h2 ^ x, 0x85ebca77);
    this.h2 = a ^ (a >>> 13);
  }

  /** Mixes one event: its kind, two node ids (or -1) and its time (all 64 bits). */
  event(kind: number, a: number, b: number, time: number): void {
    F64[0] = time;
    let h = this.h1;
    h = Math.imul(h ^ ((kind << 24) ^ a), 0x9e3779b1);
    h = Math.imul(h ^ b, 0x85ebca77);
    h = Math.imul(h ^ U32[0]!, 0xc2b2ae3d);
    h = Math.imul(h ^ U32[1]!, 0x27d4eb2f);
    h ^= h >>> 15;
    this.h1 = h;
    const g = Math.imul(this.h2 ^ h, 0x165667b1);
    this.h2 = g ^ (g >>> 13);
  }

  /** Mixes a string (e.g. an emitted event's type). */
  text(s: string): void {
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
    this.word(s.length);
  }

  /** Mixes a number's 64 bits. */
  number(x: number): void {
    F64[0] = x;
    this.word(U32[0]!);
    this.word(U32[1]!);
  }

  /**
   * Mixes the top-level fields of a plain object: each key, and each value that is a
   * number, string or boolean (nested values count only by their presence). Keys in
   * insertion order, which a deterministic protocol reproduces.
   */
  fields(obj: Readonly<Record<string, unknown>>): void {
    for (const key in obj) {
      this.text(key);
      const value = obj[key];
      if (typeof value === "number") this.number(value);
      else if (typeof value === "string") this.text(value);
      else if (typeof value === "boolean") this.word(value ? 1 : 2);
      else this.word(value === undefined ? 3 : value === null ? 4 : 5);
    }
  }

  /** 16 lowercase hex digits. */
  hex(): string {
    return (
      (this.h1 >>> 0).toString(16).padStart(8, "0") + (this.h2 >>> 0).toString(16).padStart(8, "0")
    );
  }
}
