import { HistoryError } from "../errors.js";
import type { History, Operation } from "../history.js";
import type { AnyModel } from "../model.js";
import { determinize } from "./determinize.js";
import type { Product } from "./product.js";

/** One independent part of a history, ready to search. */
export interface Partition {
  /** The key (`Model.partitionKey`), or undefined for the whole history / unkeyed part. */
  readonly key: string | undefined;
  /** Its operations, in call order; `Operation.id` still names them in the whole history. */
  readonly ops: readonly Operation[];
}

/** A history split for the search, with the model each part is checked against. */
export interface Prepared {
  readonly model: AnyModel;
  readonly partitions: readonly Partition[];
  /** Operations judged: the history minus failed operations the model drops. */
  readonly ops: number;
  /** For a partitionable model checked whole: its structure, so states intern as vectors of parts. */
  readonly product?: Product;
}

/**
 * Validates every operation against the model (a HistoryError names the
 * first bad one and its line), drops failed operations that never happened,
 * and splits by key when the model allows it and `partition` is true.
 */
export function prepare(history: History, model: AnyModel, partition: boolean): Prepared {
  const kept: Operation[] = [];
  for (const op of history) {
    const problem = model.validate?.(op);
    if (problem !== undefined) throw new HistoryError(op.line, problem);
    if (op.status === "fail" && model.keepFailed?.(op) !== true) continue;
    // An indeterminate op that changes nothing constrains nothing.
    if (op.status === "info" && model.readOnly?.(op) === true) continue;
    kept.push(op);
  }
  const keyOf = model.partitionKey;
  const whole = {
    model: determinize(model),
    partitions: [{ key: undefined, ops: kept }],
    ops: kept.length,
  };
  if (keyOf === undefined) return whole;
  if (!partition) {
    const part = determinize(model.part ?? model);
    return { ...whole, product: { part, keyOf: (op: Operation) => keyOf.call(model, op) } };
  }
  const groups = new Map<string | undefined, Operation[]>();
  for (const op of kept) {
    const key = keyOf.call(model, op);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [op]);
    else group.push(op);
  }
  const partitions = [...groups].map(([key, ops]) => ({ key, ops }));
  return { model: determinize(model.part ?? model), partitions, ops: kept.length };
}
