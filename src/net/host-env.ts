import { assert } from "../core/assert.js";
import type { Env } from "../core/env.js";
import type { NodeId, TimerId } from "../core/ids.js";
import type { Logger, Metrics, ProtocolEvent } from "../core/observe.js";
import type { DurableStorage } from "../core/storage.js";

/** What the host env needs from the process around it. */
export interface HostEnvParts {
  readonly self: NodeId;
  readonly cluster: readonly NodeId[];
  readonly storage: DurableStorage;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly random: () => number;
  readonly send: (to: NodeId, msg: unknown) => void;
  readonly emit: (event: ProtocolEvent) => void;
  /** Runs a timer's handler; the env has already forgotten the timer. */
  readonly fire: (tag: unknown) => void;
}

/**
 * The real host's `Env`: `performance.now()` for time, node:timers for
 * timers, a CSPRNG for randomness, and `buggify` always false. After
 * `shutdown()` no timer fires and sends are ignored, so a stopped node is silent.
 */
export class HostEnv implements Env<unknown, unknown> {
  readonly self: NodeId;
  readonly cluster: readonly NodeId[];
  readonly storage: DurableStorage;
  readonly log: Logger;
  readonly metrics: Metrics;
  private readonly timers = new Map<TimerId, NodeJS.Timeout>();
  private nextTimer: TimerId = 1;
  private live = true;

  constructor(private readonly parts: HostEnvParts) {
    this.self = parts.self;
    this.cluster = parts.cluster;
    this.storage = parts.storage;
    this.log = parts.log;
    this.metrics = parts.metrics;
  }

  now(): number {
    return performance.now();
  }

  send(to: NodeId, msg: unknown): void {
    if (this.live) this.parts.send(to, msg);
  }

  setTimer(afterMs: number, tag: unknown): TimerId {
    assert(
      Number.isFinite(afterMs) && afterMs >= 0,
      () => `setTimer: afterMs must be >= 0, got ${afterMs}`,
    );
    const id = this.nextTimer++;
    if (!this.live) return id;
    const handle = setTimeout(() => {
      this.timers.delete(id);
      if (this.live) this.parts.fire(tag);
    }, afterMs);
    this.timers.set(id, handle);
    return id;
  }

  cancelTimer(id: TimerId): void {
    const handle = this.timers.get(id);
    if (handle === undefined) return;
    clearTimeout(handle);
    this.timers.delete(id);
  }

  random(): number {
    return this.parts.random();
  }

  buggify(_site: string): boolean {
    return false;
  }

  emit(event: ProtocolEvent): void {
    if (this.live) this.parts.emit(event);
  }

  /** Pending timers. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Cancels every timer; later sends, timers and events are ignored. */
  shutdown(): void {
    this.live = false;
    for (const handle of this.timers.values()) clearTimeout(handle);
    this.timers.clear();
  }
}
