/**
 * The search behind the convergence checker: is there an order of the
 * updates — every `ok` one exactly once, any `info` one at most once, with
 * outputs ignored — after which every final read holds? Fast paths first
 * (history order; each update moved last, the shape of last-writer-wins),
 * then a memoized depth-first search over (updates applied, state).
 */

import type { Operation } from "./history.js";
import type { Model } from "./model.js";

/** The outcome of one part's search. */
export type SerializationOutcome<S> =
  | { readonly kind: "found"; readonly order: readonly number[]; readonly state: S }
  | { readonly kind: "none"; readonly closest: S }
  | { readonly kind: "timeout" }
  | { readonly kind: "memory" };

/** The updates judged as effects only: an `ok` op's output is not a constraint before quiescence. */
export function asEffect(op: Operation): Operation {
  return op.status === "info" ? op : { ...op, status: "info", output: undefined };
}

/** Every state `op` can leave from `state`. */
export function effects<S>(model: Model<S>, state: S, op: Operation): readonly S[] {
  if (model.steps !== undefined) return model.steps(state, op);
  const next = model.step(state, op);
  return next === undefined ? [] : [next];
}

/** Whether every final read can return what it returned in `state` and leaves it unchanged. */
export function satisfies<S>(model: Model<S>, state: S, finals: readonly Operation[]): boolean {
  return finals.every((read) => effects(model, state, read).some((s) => model.equal(s, state)));
}

/**
 * Searches orders of `updates` (effects only) that end in a state every one
 * of `finals` accepts. `required[i]` says whether updates[i] must be applied.
 */
export function findSerialization<S>(
  model: Model<S>,
  updates: readonly Operation[],
  required: readonly boolean[],
  finals: readonly Operation[],
  limits: { readonly deadline: number; readonly statesMax: number },
): SerializationOutcome<S> {
  const all = updates.map((_, i) => i);
  const mustOnly = all.filter((i) => required[i]);
  const candidates = [all, mustOnly];
  for (const last of mustOnly) candidates.push([...mustOnly.filter((i) => i !== last), last]);
  for (const last of all) candidates.push([...all.filter((i) => i !== last), last]);
  for (const order of candidates) {
    const state = runInOrder(model, updates, order);
    if (state !== undefined && satisfies(model, state, finals)) {
      return { kind: "found", order: order.map((i) => updates[i]?.id as number), state };
    }
    if (performance.now() >= limits.deadline) return { kind: "timeout" };
  }
  return depthFirst(model, updates, required, finals, limits);
}

function runInOrder<S>(
  model: Model<S>,
  updates: readonly Operation[],
  order: readonly number[],
): S | undefined {
  let state = model.init();
  for (const i of order) {
    const next = effects(model, state, updates[i] as Operation)[0];
    if (next === undefined) return undefined;
    state = next;
  }
  return state;
}

interface Node<S> {
  readonly used: Uint8Array;
  readonly state: S;
  readonly order: number[];
  next: number;
  pending: S[];
  pendingOp: number;
}

function depthFirst<S>(
  model: Model<S>,
  updates: readonly Operation[],
  required: readonly boolean[],
  finals: readonly Operation[],
  limits: { readonly deadline: number; readonly statesMax: number },
): SerializationOutcome<S> {
  const seen = new Map<string, S[]>();
  const remember = (used: Uint8Array, state: S): boolean => {
    const key = `${used.join("")}|${model.hash(state)}`;
    const bucket = seen.get(key);
    if (bucket === undefined) seen.set(key, [state]);
    else if (bucket.some((s) => model.equal(s, state))) return false;
    else bucket.push(state);
    return true;
  };
  const requiredCount = required.filter(Boolean).length;
  const root: Node<S> = {
    used: new Uint8Array(updates.length),
    state: model.init(),
    order: [],
    next: 0,
    pending: [],
    pendingOp: -1,
  };
  remember(root.used, root.state);
  const stack = [root];
  let closest = root.state;
  let closestDone = -1;
  let states = 1;
  for (let round = 0; stack.length > 0; round++) {
    if ((round & 255) === 0 && performance.now() >= limits.deadline) return { kind: "timeout" };
    if (states > limits.statesMax) return { kind: "memory" };
    const top = stack[stack.length - 1] as Node<S>;
    const done = top.order.filter((i) => required[i]).length;
    if (done === requiredCount && satisfies(model, top.state, finals)) {
      return {
        kind: "found",
        order: top.order.map((i) => updates[i]?.id as number),
        state: top.state,
      };
    }
    if (done > closestDone) [closest, closestDone] = [top.state, done];
    const state = top.pending.pop();
    if (state !== undefined) {
      const used = Uint8Array.from(top.used);
      used[top.pendingOp] = 1;
      if (!remember(used, state)) continue;
      states++;
      stack.push({
        used,
        state,
        order: [...top.order, top.pendingOp],
        next: 0,
        pending: [],
        pendingOp: -1,
      });
      continue;
    }
    while (top.next < updates.length && top.used[top.next] === 1) top.next++;
    if (top.next >= updates.length) {
      stack.pop();
      continue;
    }
    top.pendingOp = top.next++;
    top.pending = [...effects(model, top.state, updates[top.pendingOp] as Operation)];
  }
  return { kind: "none", closest };
}
