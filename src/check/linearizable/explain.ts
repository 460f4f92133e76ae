import type { Operation } from "../history.js";
import type { AnyModel } from "../model.js";
import type { PartitionResult, StuckOp } from "../result.js";
import type { SearchOutcome } from "./search.js";

/**
 * The operations that could come next after the prefix `linearized` (no
 * other pending operation returned before their call) but cannot happen in
 * `state`, earliest return first. Indeterminate operations are never stuck:
 * they may simply not have happened.
 */
export function stuckAfter(
  ops: readonly Operation[],
  linearized: readonly number[],
  state: unknown,
  model: AnyModel,
): StuckOp[] {
  const done = new Uint8Array(ops.length);
  for (const i of linearized) done[i] = 1;
  let firstReturn = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ops.length; i++) {
    if (done[i] === 0) firstReturn = Math.min(firstReturn, ops[i]!.ret);
  }
  const found = model.describeState(state);
  const stuck: Operation[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    // Calls at the same time as the first return count as concurrent with it.
    if (done[i] === 1 || op.status === "info" || op.call > firstReturn) continue;
    if (model.step(state, op) === undefined) stuck.push(op);
  }
  stuck.sort((a, b) => a.ret - b.ret || a.id - b.id);
  return stuck.map((op) => ({
    id: op.id,
    found,
    needed: model.explain?.(state, op) ?? `${model.describeOp(op)} cannot happen in state ${found}`,
  }));
}

/** Turns one partition's search outcome into its reported result, in ids of the whole history. */
export function partitionResult(
  key: string | undefined,
  ops: readonly Operation[],
  outcome: SearchOutcome,
  model: AnyModel,
  ms: number,
): PartitionResult {
  const linearized = outcome.linearized.map((i) => ops[i]!.id);
  const inPrefix = new Set(outcome.linearized);
  const omitted =
    outcome.verdict === "ok"
      ? ops.filter((op, i) => op.status === "info" && !inPrefix.has(i)).map((op) => op.id)
      : [];
  const stuck =
    outcome.verdict === "violation"
      ? stuckAfter(ops, outcome.linearized, outcome.state, model)
      : [];
  return {
    key,
    verdict: outcome.verdict,
    ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
    ops: ops.map((op) => op.id),
    linearized,
    omitted,
    state: model.describeState(outcome.state),
    stuck,
    ms,
  };
}
