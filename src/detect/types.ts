import type { NodeId, ProtocolNode } from "../core/index.js";

/**
 * What a member looks like to one detector: `alive` (trusted), `suspect`
 * (accused, not yet given up on), `dead` (declared failed; a detector that has
 * no separate dead state never reports it) or `left` (announced a graceful leave).
 */
export type MemberState = "alive" | "suspect" | "dead" | "left";

/** One member as a node sees it. `incarnation` is 0 for detectors without incarnations. */
export interface MemberView {
  readonly id: NodeId;
  readonly state: MemberState;
  readonly incarnation: number;
}

/**
 * Events every detector emits through `env.emit`, so checkers, traces and the
 * live status of `cohort start` read all detectors the same way:
 * `suspect` when a trusted peer becomes accused, `trust` when an accused peer is
 * trusted again, `dead` when a peer is declared failed for good, `left` when a
 * peer announced a graceful leave, `join` when a new member enters the view.
 */
export type DetectorEvent =
  | { readonly type: "suspect"; readonly peer: NodeId }
  | { readonly type: "trust"; readonly peer: NodeId }
  | { readonly type: "dead"; readonly peer: NodeId }
  | { readonly type: "left"; readonly peer: NodeId }
  | { readonly type: "join"; readonly peer: NodeId };

/**
 * A failure detector node: a `ProtocolNode` that can also be asked, at any
 * moment, whom it suspects and how it sees every member. Both answers reflect
 * every event emitted so far (a peer is in `suspects()` exactly when the last
 * `suspect`/`trust`/`dead` event about it was `suspect` or `dead`).
 */
export interface DetectorNode<M, T = string> extends ProtocolNode<M, T> {
  /** Peers currently suspected or declared dead, ascending. */
  suspects(): NodeId[];
  /** Every member this node knows of except itself, ascending by id. */
  view(): MemberView[];
}
