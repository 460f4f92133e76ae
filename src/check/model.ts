import type { Operation } from "./history.js";

/**
 * A sequential specification: what one correct copy of the object would do,
 * one operation at a time. Every checker in `src/check` judges a concurrent
 * history against a `Model`; the linearizability search calls `step` in its
 * hot loop, so `step`, `equal` and `hash` must be pure, cheap and must never
 * mutate the state they are given.
 *
 * How each operation status reaches `step`:
 * - `ok`: the operation took effect and returned `op.output`; `step` must
 *   return undefined unless that output is what the object would return in
 *   `state`.
 * - `info`: the operation may have taken effect with any output; `step` must
 *   ignore `op.output` and return the state the operation would leave
 *   (the checker separately allows it never to take effect). Returning
 *   undefined says the operation could not have taken effect in `state`,
 *   which is the same as "it never happened here".
 * - `fail`: by default the operation never happened and `step` never sees it.
 *   When `keepFailed(op)` is true, the failure is a definite outcome (the
 *   etcd histories' failed compare-and-set: it ran and found another value),
 *   and `step` must say in which states such a failure is possible.
 */
export interface Model<S> {
  /** The name users give `--model` (`register`, `kv`, …). */
  readonly name: string;
  /** One line for `cohort check --help` and reports. */
  readonly summary: string;
  /** The state before any operation. */
  init(): S;
  /**
   * The state after `op` in `state`, or undefined when `op` (with its
   * recorded output) cannot happen in `state`. Pure: never mutates `state`,
   * and depends only on the op's `f`, `key`, `input`, `output` and `status`
   * (never on its id, process or times).
   */
  step(state: S, op: Operation): S | undefined;
  /**
   * For nondeterministic objects only: every state `op` may leave from
   * `state` (empty when it cannot happen). When present the checkers call
   * this instead of `step`.
   */
  steps?(state: S, op: Operation): readonly S[];
  /** Structural equality of states; must agree with `hash`. */
  equal(a: S, b: S): boolean;
  /** A 32-bit integer hash of a state: equal states must hash equally. */
  hash(state: S): number;
  /**
   * For objects made of independent parts (a map of keys): the part `op`
   * touches, or undefined for the part shared by operations without a key.
   * Operations of different parts never constrain each other, so the checker
   * may judge each part alone (P-compositionality), with `part` as the model
   * of one part. Omit for models that cannot be split.
   */
  partitionKey?(op: Operation): string | undefined;
  /** The model of a single part when the checker splits by `partitionKey`; defaults to this model. */
  readonly part?: Model<unknown>;
  /**
   * Why `op` is not an operation of this model (an unknown `f`, an input of
   * the wrong type), or undefined when it is. The checkers reject a history
   * with such an operation as bad input before judging it, so `step` may
   * assume valid operations. Optional; without it every operation is valid.
   */
  validate?(op: Operation): string | undefined;
  /**
   * True when `op` never changes the state: `step` returns the same state
   * (or undefined) in every state, like a read. Optional; the linearizability
   * search linearizes such operations eagerly, which prunes its search, and
   * drops indeterminate ones, which cannot matter. A wrong `true` gives wrong
   * verdicts, so leave it out when unsure.
   */
  readOnly?(op: Operation): boolean;
  /**
   * True when `op`, if it happens, leaves its part (`partitionKey`; the whole
   * state for a model without parts) in the same state whatever that part
   * held, and can happen in every state: a blind write. Optional; the
   * linearizability search uses it to skip orders where an indeterminate
   * write is overwritten at once. A wrong `true` gives wrong verdicts.
   */
  blindWrite?(op: Operation): boolean;
  /**
   * For a `fail` operation: true when the failure is a definite outcome that
   * `step` judges (it ran and reported failure), false when the operation
   * never happened and the checkers drop it, as Jepsen and Knossos do. When
   * absent, every failed operation is dropped.
   */
  keepFailed?(op: Operation): boolean;
  /** A short human description of a state, for reports: `3`, `absent`, `{x: "ab"}`. */
  describeState(state: S): string;
  /** A short human description of an operation: `write(3)`, `read() → 3`, `cas(1, 2) fails`. */
  describeOp(op: Operation): string;
  /**
   * Why `op` cannot happen in `state`, for reports: `read saw 3 but the
   * register holds 5`. Optional; reports fall back to the two descriptions.
   */
  explain?(state: S, op: Operation): string;
}

/**
 * A model whose state type is hidden: what registries and the CLI hold.
 * Any `Model<S>` is assignable to it (its members are methods, compared
 * bivariantly).
 */
export type AnyModel = Model<unknown>;
