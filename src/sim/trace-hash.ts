/**
 * An incremental 64-bit hash (two independent 32-bit multiply-xorshift lanes)
 * over the numeric fields of trace events. Cheap enough to run on every event,
 * so every run has a hash whether or not its full trace is kept.
 */
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

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
    this.word((kind << 24) ^ a);
    this.word(b);
    F64[0] = time;
    this.word(U32[0]!);
    this.word(U32[1]!);
  }

  /** Mixes a string (e.g. an emitted event's type). */
  text(s: string): void {
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
    this.word(s.length);
  }

  /** 16 lowercase hex digits. */
  hex(): string {
    return (
      (this.h1 >>> 0).toString(16).padStart(8, "0") + (this.h2 >>> 0).toString(16).padStart(8, "0")
    );
  }
}
