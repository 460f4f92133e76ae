/**
 * What the linearizability checker returns. A verdict is never a guess:
 * `unknown` means the search ran out of time (or of its memory budget) before
 * it could decide, and says nothing about the history.
 */

/** The outcome of one check. */
export type Verdict =
  /** the property holds */
  | "ok"
  /** the property does not hold; the result carries a counterexample */
  | "violation"
  /** undecided: the time limit or the memory budget was reached first */
  | "unknown";

/** An operation that cannot be linearized after the longest linearizable prefix. */
export interface StuckOp {
  /** The operation's id in the whole history (`Operation.id`). */
  readonly id: number;
  /** The model state found after the prefix, described by the model. */
  readonly found: string;
  /** What the operation needed and why it cannot happen in `found`, as the model explains it. */
  readonly needed: string;
}

/** The judgement of one partition (one key of a partitioned model, or the whole history). */
export interface PartitionResult {
  /** The partition key (`Model.partitionKey`), or undefined when the history was checked whole. */
  readonly key: string | undefined;
  readonly verdict: Verdict;
  /** For `unknown`: what stopped the search. */
  readonly reason?: "timeout" | "memory";
  /** Operations in this partition (ids of the whole history), in call order. */
  readonly ops: readonly number[];
  /**
   * The longest linearizable prefix the search found: operation ids in
   * linearization order. For `ok`, a full linearization (indeterminate
   * operations that never took effect are left out); for `violation`, the
   * deepest point the search reached; for `unknown`, the deepest so far.
   */
  readonly linearized: readonly number[];
  /**
   * Indeterminate (`info`) operations of this partition that the linearization
   * above leaves out, i.e. treats as never having taken effect.
   */
  readonly omitted: readonly number[];
  /** The model state after `linearized`, described by the model. */
  readonly state: string;
  /**
   * For `violation`: every operation that was a candidate next (no other
   * pending operation returned before it was called) and cannot happen in
   * `state`, earliest return first. The first is the operation a report
   * highlights. Empty for `ok` and `unknown`.
   */
  readonly stuck: readonly StuckOp[];
  /** Wall-clock time spent on this partition's search, in ms. */
  readonly ms: number;
}

/** The judgement of a whole history by the linearizability checker. */
export interface LinearizabilityResult {
  readonly checker: "linearizable";
  /** The model's name. */
  readonly model: string;
  /** `violation` if any partition is one; else `unknown` if any is; else `ok`. */
  readonly verdict: Verdict;
  /** Operations judged (after dropping `fail` operations the model ignores). */
  readonly ops: number;
  /** One entry per partition, in order of each partition's first call. */
  readonly partitions: readonly PartitionResult[];
  /** Wall-clock time of the whole check, in ms (parsing excluded). */
  readonly ms: number;
  /** Worker threads that searched partitions besides the calling thread (absent or 0: none). */
  readonly workers?: number;
}

/** Combines partition verdicts: a violation anywhere is a violation; else unknown wins over ok. */
export function combineVerdicts(verdicts: Iterable<Verdict>): Verdict {
  let result: Verdict = "ok";
  for (const v of verdicts) {
    if (v === "violation") return "violation";
    if (v === "unknown") result = "unknown";
  }
  return result;
}
