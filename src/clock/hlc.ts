import { assert } from "../core/assert.js";

/**
 * A hybrid logical clock timestamp (Kulkarni, Demirbas et al. 2014): `l` is
 * the largest physical time (ms) the holder has heard of, `c` counts events
 * that share that `l`. Ordered by (l, c) lexicographically.
 */
export interface HlcTimestamp {
  readonly l: number;
  readonly c: number;
}

/** Options of a hybrid logical clock. */
export interface HlcOptions {
  /**
   * The largest amount (ms) by which a remote timestamp may lead local
   * physical time before `receive` rejects it; Infinity (the default) accepts all.
   */
  readonly maxOffsetMs?: number;
}

/** Why `receive` refused a remote timestamp (the clock is unchanged). */
export interface HlcRejection {
  readonly ok: false;
  readonly reason: string;
}

/** The outcome of `receive`. */
export type HlcReceipt = { readonly ok: true; readonly ts: HlcTimestamp } | HlcRejection;

/** Orders two HLC timestamps: negative when a < b, 0 when equal, positive when a > b. */
export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): number {
  return a.l !== b.l ? a.l - b.l : a.c - b.c;
}

/**
 * A hybrid logical clock over the physical time `now()` (env.now() in a
 * protocol; never the host clock directly). Guarantees, for every event e it
 * stamps: l(e) ≥ now() at e; if e happened before f then ts(e) < ts(f); and
 * l(e) − now() never exceeds the largest lead of any physical clock whose time
 * reached this process, so with clocks skewed at most ε apart, l − pt ≤ ε.
 */
export class HybridLogicalClock {
  #l = 0;
  #c = 0;
  readonly #now: () => number;
  readonly #maxOffsetMs: number;

  constructor(now: () => number, options: HlcOptions = {}) {
    const maxOffsetMs = options.maxOffsetMs ?? Number.POSITIVE_INFINITY;
    if (!(maxOffsetMs >= 0)) {
      throw new RangeError(`hlc maxOffsetMs: expected a number >= 0, got ${maxOffsetMs}`);
    }
    this.#now = now;
    this.#maxOffsetMs = maxOffsetMs;
  }

  /** The timestamp of the last event stamped ({l: 0, c: 0} before any). */
  get last(): HlcTimestamp {
    return { l: this.#l, c: this.#c };
  }

  /** Stamps a local or send event. */
  tick(): HlcTimestamp {
    const pt = this.#physical();
    if (pt > this.#l) {
      this.#l = pt;
      this.#c = 0;
    } else {
      this.#c += 1;
    }
    return this.last;
  }

  /**
   * Stamps the receipt of a message carrying `remote`. Refuses (a value, not
   * a throw) a malformed timestamp or one that leads physical time by more
   * than `maxOffsetMs`; the clock is then unchanged.
   */
  receive(remote: HlcTimestamp): HlcReceipt {
    const problem = checkTimestamp(remote);
    if (problem !== undefined) return { ok: false, reason: problem };
    const pt = this.#physical();
    if (remote.l - pt > this.#maxOffsetMs) {
      return {
        ok: false,
        reason: `hlc: remote l=${remote.l} leads physical time ${pt} by more than ${this.#maxOffsetMs} ms`,
      };
    }
    const l = Math.max(this.#l, remote.l, pt);
    if (l === this.#l && l === remote.l) this.#c = Math.max(this.#c, remote.c) + 1;
    else if (l === this.#l) this.#c += 1;
    else if (l === remote.l) this.#c = remote.c + 1;
    else this.#c = 0;
    this.#l = l;
    return { ok: true, ts: this.last };
  }

  #physical(): number {
    const pt = this.#now();
    assert(Number.isFinite(pt), () => `hlc: physical time must be finite, got ${pt}`);
    return pt;
  }
}

/** Why `ts` is not a well-formed HLC timestamp, or undefined when it is. */
export function checkTimestamp(ts: unknown): string | undefined {
  if (typeof ts !== "object" || ts === null) return "hlc timestamp: expected an object";
  const { l, c } = ts as { l?: unknown; c?: unknown };
  if (typeof l !== "number" || !Number.isFinite(l)) {
    return `hlc timestamp l: expected a finite number, got ${String(l)}`;
  }
  if (typeof c !== "number" || !Number.isSafeInteger(c) || c < 0) {
    return `hlc timestamp c: expected a non-negative integer, got ${String(c)}`;
  }
  return undefined;
}
