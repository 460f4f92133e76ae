import type { Env } from "../core/env.js";
import type { TimerId } from "../core/ids.js";

/**
 * One pending timer that fires at the earliest deadline asked of it. Detectors
 * that watch many peers keep a single `check` timer this way instead of one per
 * peer: `arm` moves it earlier when a nearer deadline appears and ignores later
 * ones. It never fires sooner than 1 ms from now, so virtual time always advances.
 */
export class EarliestTimer<T> {
  private atMs = Number.POSITIVE_INFINITY;
  private id: TimerId = -1;

  constructor(private readonly tag: T) {}

  /** Makes sure the timer fires at or before `atMs`. */
  arm<M>(env: Env<M, T>, atMs: number): void {
    if (atMs >= this.atMs) return;
    if (this.id !== -1) env.cancelTimer(this.id);
    const afterMs = Math.max(atMs - env.now(), 1);
    this.atMs = env.now() + afterMs;
    this.id = env.setTimer(afterMs, this.tag);
  }

  /** Forgets the timer once it has fired, so the next `arm` sets a fresh one. */
  fired(): void {
    this.atMs = Number.POSITIVE_INFINITY;
    this.id = -1;
  }
}
