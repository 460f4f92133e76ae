import { assert } from "../../core/assert.js";
import type { History, Operation } from "../history.js";
import type { AnyModel } from "../model.js";

/**
 * A reference checker for tiny histories, independent of the search: tries
 * every subset of indeterminate operations left out and every permutation of
 * the rest, keeps those that respect real-time order (a before b when a
 * returned before b was called) and asks whether the model accepts one.
 * Failed operations are dropped unless the model keeps them. Exponential:
 * at most 8 operations.
 */
export function bruteForceLinearizable(history: History, model: AnyModel): boolean {
  const ops = history.filter((op) => op.status !== "fail" || model.keepFailed?.(op) === true);
  assert(ops.length <= 8, `bruteForceLinearizable: at most 8 operations, got ${ops.length}`);
  const infos = ops.filter((op) => op.status === "info");
  for (let mask = 0; mask < 1 << infos.length; mask++) {
    const left = new Set(infos.filter((_, i) => (mask >> i) & 1));
    const kept = ops.filter((op) => !left.has(op));
    if (permutations(kept).some((order) => respectsRealTime(order) && accepts(order, model)))
      return true;
  }
  return false;
}

function respectsRealTime(order: readonly Operation[]): boolean {
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) if (order[j]!.ret < order[i]!.call) return false;
  }
  return true;
}

function accepts(order: readonly Operation[], model: AnyModel): boolean {
  let state = model.init();
  for (const op of order) {
    const next = model.step(state, op);
    if (next === undefined) return false;
    state = next;
  }
  return true;
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  const out: T[][] = [];
  items.forEach((item, i) => {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const p of permutations(rest)) out.push([item, ...p]);
  });
  return out;
}
