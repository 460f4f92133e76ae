import type { NodeId, TimerId } from "./ids.js";
import type { Logger, Metrics, ProtocolEvent } from "./observe.js";
import type { DurableStorage } from "./storage.js";

/**
 * Everything a protocol may do to the world. The simulator and the real host
 * each implement it; a protocol that touches the world only through its `Env`
 * runs unchanged in both and replays exactly from a seed in the simulator.
 *
 * `M` is the protocol's message type, `T` its timer tag type.
 */
export interface Env<M, T = string> {
  /** This node's id. */
  readonly self: NodeId;
  /** Every node of the initial cluster, this one included, ascending. */
  readonly cluster: readonly NodeId[];
  /** Monotonic milliseconds: virtual in the simulator, `performance.now()` on a host. May skew under the `clock` nemesis. */
  now(): number;
  /** Sends `msg` to `to`. Fire and forget: it may be dropped, delayed, duplicated, reordered or corrupted. */
  send(to: NodeId, msg: M): void;
  /** Calls `onTimer(tag)` once, `afterMs` (>= 0) from now, unless cancelled or the node crashes first. */
  setTimer(afterMs: number, tag: T): TimerId;
  /** Cancels a pending timer; cancelling one that fired or was cancelled is a no-op. */
  cancelTimer(id: TimerId): void;
  /** A uniform number in [0, 1): seeded in the simulator, crypto-seeded on a host. */
  random(): number;
  /** True when the simulator chooses to force the rare path named `site`; always false on a real host. */
  buggify(site: string): boolean;
  /** Storage that survives crashes once synced. */
  readonly storage: DurableStorage;
  /** Records a protocol event for checkers, traces and observers. */
  emit(event: ProtocolEvent): void;
  readonly log: Logger;
  readonly metrics: Metrics;
}
