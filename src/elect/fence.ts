import { assert } from "../core/index.js";

/** The verdict of a fence on one request. */
export type FenceVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * A fencing token check in front of a resource (Kleppmann's fencing tokens,
 * Chubby's sequencers): every request carries the epoch its leader was
 * elected in; the fence remembers the highest epoch it has admitted and
 * rejects any request stamped with an older one. A leader deposed by a newer
 * election can still send, but once the newer leader has written, nothing the
 * stale one sends gets in.
 *
 * Guarantees: the admitted epochs form a non-decreasing sequence; a rejected
 * request changes nothing; a malformed epoch (negative, fractional, not a
 * number) is rejected with a reason, never admitted.
 */
export class Fence {
  private highest = -1;
  private admitted = 0;
  private rejected = 0;

  /** Admits a request stamped with `epoch` when no newer epoch was admitted before. */
  admit(epoch: number): FenceVerdict {
    if (!Number.isSafeInteger(epoch) || epoch < 0) {
      this.rejected += 1;
      return { ok: false, reason: `epoch: expected a non-negative integer, got ${String(epoch)}` };
    }
    if (epoch < this.highest) {
      this.rejected += 1;
      return { ok: false, reason: `stale epoch ${epoch}: epoch ${this.highest} already admitted` };
    }
    this.highest = epoch;
    this.admitted += 1;
    return { ok: true };
  }

  /** The highest epoch admitted so far, or -1 before the first. */
  highestEpoch(): number {
    return this.highest;
  }

  /** How many requests were admitted and rejected. */
  counts(): { admitted: number; rejected: number } {
    return { admitted: this.admitted, rejected: this.rejected };
  }
}

/**
 * A register guarded by a `Fence`: `write(epoch, value)` lands only when the
 * fence admits the epoch. Its history lists every write that landed, with its
 * epoch, in order — so a test can show that no stale leader's write got in
 * after a newer leader's.
 */
export class FencedRegister<V> {
  private readonly fence = new Fence();
  private readonly landed: { epoch: number; value: V }[] = [];

  /** Writes `value` if `epoch` is not older than any admitted epoch. */
  write(epoch: number, value: V): FenceVerdict {
    const verdict = this.fence.admit(epoch);
    if (verdict.ok) this.landed.push({ epoch, value });
    return verdict;
  }

  /** The last value that landed, or undefined. */
  read(): V | undefined {
    return this.landed.at(-1)?.value;
  }

  /** Every write that landed, oldest first; its epochs never decrease. */
  history(): readonly { readonly epoch: number; readonly value: V }[] {
    for (let i = 1; i < this.landed.length; i++) {
      assert(
        (this.landed[i - 1]?.epoch ?? 0) <= (this.landed[i]?.epoch ?? 0),
        "fenced register: epochs decreased",
      );
    }
    return this.landed;
  }

  /** Admitted and rejected counts of its fence. */
  counts(): { admitted: number; rejected: number } {
    return this.fence.counts();
  }
}
