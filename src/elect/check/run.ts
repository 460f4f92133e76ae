import type { NodeId, ProtocolEvent } from "../../core/index.js";

/** One event a node emitted, at virtual time `t`. */
export interface ElectionTimedEvent {
  readonly t: number;
  readonly node: NodeId;
  readonly event: ProtocolEvent;
}

/** A node going down or coming back up, at virtual time `t`. */
export interface ElectionLifecycle {
  readonly t: number;
  readonly node: NodeId;
  readonly change: "down" | "up";
}

/**
 * What the election checks read of a finished run, from an omniscient view
 * (the simulator's): every event in time order, every node's downs and ups,
 * when the run ended and how many nodes it had.
 */
export interface ElectionRun {
  readonly nodeCount: number;
  readonly endMs: number;
  readonly events: readonly ElectionTimedEvent[];
  readonly lifecycle: readonly ElectionLifecycle[];
}
