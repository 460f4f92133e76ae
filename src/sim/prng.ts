/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state):
 * passes PractRand to terabytes, needs only 32-bit integer ops, and keeps its
 * state in four uint32 words — so many independent streams fit in one typed array.
 *
 * Streams are seeded from (seed, streamId) by splitmix32, so two streams of one
 * seed, or one stream of two seeds, start far apart.
 */

function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Fills `state[offset..offset+4)` with the sfc32 state of stream `streamId` of `seed`. */
export function seedStream(
  state: Uint32Array,
  offset: number,
  seed: number,
  streamId: number,
): void {
  let x = (seed ^ Math.imul(streamId + 1, 0x632be5ab)) >>> 0;
  for (let i = 0; i < 4; i++) {
    x = splitmix32(x + i);
    state[offset + i] = x;
  }
  for (let i = 0; i < 12; i++) nextFloat(state, offset);
}

/** The next number in [0, 1) from the stream at `offset` (53 bits are not needed: 32 are). */
export function nextFloat(s: Uint32Array, o: number): number {
  const a = s[o]!;
  const b = s[o + 1]!;
  const c = s[o + 2]!;
  const d = s[o + 3]!;
  let t = (a + b) | 0;
  const d2 = (d + 1) | 0;
  t = (t + d2) | 0;
  s[o] = b ^ (b >>> 9);
  s[o + 1] = (c + (c << 3)) | 0;
  s[o + 2] = (((c << 21) | (c >>> 11)) + t) | 0;
  s[o + 3] = d2;
  return (t >>> 0) / 4294967296;
}

/** One seeded stream. */
export class Prng {
  private readonly state = new Uint32Array(4);

  /** Stream `streamId` of `seed`; equal arguments give equal sequences. */
  constructor(seed: number, streamId: number) {
    seedStream(this.state, 0, seed >>> 0, streamId);
  }

  /** A uniform number in [0, 1). */
  next(): number {
    return nextFloat(this.state, 0);
  }

  /** A uniform integer in [0, n) for 1 <= n <= 2^32. */
  int(n: number): number {
    return Math.floor(nextFloat(this.state, 0) * n);
  }

  /** A standard normal draw (Box–Muller; two uniforms). */
  normal(): number {
    const u = 1 - nextFloat(this.state, 0);
    const v = nextFloat(this.state, 0);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
