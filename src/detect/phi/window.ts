import { assert } from "../../core/index.js";

/**
 * A sliding window of heartbeat inter-arrival times (Hayashibara et al. 2004,
 * §III "sampling window"), with running sums so mean and standard deviation
 * cost O(1). Holds at most `capacity` samples; the oldest falls out first.
 */
export class ArrivalWindow {
  private readonly samples: Float64Array;
  private start = 0;
  private count = 0;
  private sum = 0;
  private sumSquares = 0;

  constructor(readonly capacity: number) {
    assert(Number.isInteger(capacity) && capacity >= 1, () => `window: bad capacity ${capacity}`);
    this.samples = new Float64Array(capacity);
  }

  /** Number of samples held. */
  get size(): number {
    return this.count;
  }

  /** Adds one inter-arrival time (ms, >= 0), evicting the oldest when full. */
  add(intervalMs: number): void {
    assert(
      intervalMs >= 0 && Number.isFinite(intervalMs),
      () => `window: bad interval ${intervalMs}`,
    );
    if (this.count === this.capacity) {
      const old = this.samples[this.start]!;
      this.sum -= old;
      this.sumSquares -= old * old;
      this.samples[this.start] = intervalMs;
      this.start = (this.start + 1) % this.capacity;
    } else {
      this.samples[(this.start + this.count) % this.capacity] = intervalMs;
      this.count += 1;
    }
    this.sum += intervalMs;
    this.sumSquares += intervalMs * intervalMs;
  }

  /** Mean of the samples (0 when empty). */
  mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  /** Population standard deviation of the samples (0 when fewer than two). */
  stdDeviation(): number {
    if (this.count < 2) return 0;
    const m = this.mean();
    return Math.sqrt(Math.max(0, this.sumSquares / this.count - m * m));
  }
}
