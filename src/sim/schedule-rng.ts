import { assert } from "../core/index.js";

/**
 * The schedule's own seeded generator (SplitMix32). Schedules draw from it, not
 * from the engine's streams, so the same seed gives the same schedule whatever
 * the engine does, and a schedule can be printed before the run starts.
 */
export class ScheduleRng {
  private state: number;

  /** `seed` is reduced to 32 bits; `stream` picks an independent sequence for the same seed. */
  constructor(seed: number, stream = 0) {
    this.state = (seed ^ Math.imul(stream + 1, 0x9e3779b1) ^ 0x5ca1ab1e) >>> 0;
  }

  /** A uniform number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  }

  /** A uniform integer in [min, max] (both included). */
  int(min: number, max: number): number {
    assert(
      Number.isInteger(min) && Number.isInteger(max),
      () => `int(${min}, ${max}): not integers`,
    );
    assert(min <= max, () => `int(${min}, ${max}): empty range`);
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A uniform number in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One item of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, "pick from an empty list");
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A new array with `items` in a uniformly random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }
}
