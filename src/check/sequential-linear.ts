/**
 * A shortcut for the sequential-consistency checker: a linearizable history
 * is sequentially consistent (real-time order contains each process's
 * order), so when the linearizability search says `ok` its per-partition
 * linearizations are merged into one order that keeps every process's
 * order, and that order is replayed through the model to confirm it.
 */

import { topoOrder } from "./causal-graph.js";
import type { History, Operation } from "./history.js";
import { checkLinearizable } from "./linearizable/check.js";
import type { AnyModel, Model } from "./model.js";

/** A serialization found through linearizability, with the state after it. */
export interface LinearShortcut<S> {
  readonly order: readonly number[];
  readonly omitted: readonly number[];
  readonly state: S;
}

/**
 * Tries the shortcut within `timeoutMs`; undefined when the history is not
 * linearizable, the search ran out of time, or the merged order does not
 * replay (then the caller searches itself).
 */
export function linearShortcut<S>(
  history: History,
  model: Model<S>,
  timeoutMs: number,
): LinearShortcut<S> | undefined {
  const linear = checkLinearizable(history, model as AnyModel, { timeoutMs });
  if (linear.verdict !== "ok") return undefined;
  const chains = linear.partitions.map((part) => part.linearized);
  const omitted = linear.partitions.flatMap((part) => part.omitted);
  const order = merge(history, chains);
  if (order === undefined) return undefined;
  const state = replay(history, model, order);
  return state === undefined ? undefined : { order, omitted, state };
}

/** One order holding every chain's order and every process's order, if there is one. */
function merge(history: History, chains: readonly (readonly number[])[]): number[] | undefined {
  const ids = chains.flat();
  const at = new Map(ids.map((id, i) => [id, i]));
  const succ: number[][] = ids.map(() => []);
  for (const chain of chains) {
    for (let i = 1; i < chain.length; i++) {
      succ[at.get(chain[i - 1] as number) as number]?.push(at.get(chain[i] as number) as number);
    }
  }
  const lastOfProcess = new Map<number, number>();
  for (const op of history) {
    const i = at.get(op.id);
    if (i === undefined) continue;
    const before = lastOfProcess.get(op.process);
    if (before !== undefined) succ[before]?.push(i);
    lastOfProcess.set(op.process, i);
  }
  return topoOrder(ids.length, succ)?.map((i) => ids[i] as number);
}

function replay<S>(history: History, model: Model<S>, order: readonly number[]): S | undefined {
  let state = model.init();
  for (const id of order) {
    const op = history[id] as Operation;
    const next = model.steps !== undefined ? model.steps(state, op)[0] : model.step(state, op);
    if (next === undefined) return undefined;
    state = next;
  }
  return state;
}
