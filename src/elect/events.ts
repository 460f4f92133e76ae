import type { NodeId } from "../core/index.js";

/**
 * Events every election protocol emits through `env.emit`, so checkers read
 * all algorithms the same way:
 * - `leader`: this node now follows `leader` in `epoch` (itself included);
 * - `leader-lost`: this node no longer knows a leader (it suspects the last one);
 * - `believe-leader`: this node now believes it leads `epoch`;
 * - `step-down`: this node no longer believes it leads `epoch`.
 *
 * A node's `believe-leader` and `step-down` events alternate, starting with
 * `believe-leader`; its epochs only grow across its `leader` events, across
 * restarts too (the highest epoch seen is kept in durable storage).
 */
export type ElectionEvent =
  | { readonly type: "leader"; readonly leader: NodeId; readonly epoch: number }
  | { readonly type: "leader-lost"; readonly epoch: number }
  | { readonly type: "believe-leader"; readonly epoch: number }
  | { readonly type: "step-down"; readonly epoch: number };

/** The names of `ElectionEvent`'s types. */
export const ELECTION_EVENT_TYPES: readonly ElectionEvent["type"][] = [
  "leader",
  "leader-lost",
  "believe-leader",
  "step-down",
];
