import type { Model } from "../model.js";
import { hashCombine, showValue, valueEqual, valueHash } from "../values.js";
import { checkF, describeCall } from "./describe.js";

/** A FIFO queue's state: its elements, oldest first, with their hash. */
export interface QueueState {
  readonly items: readonly unknown[];
  readonly hash: number;
}

function makeQueue(items: readonly unknown[]): QueueState {
  let h = 0x71756575;
  for (const item of items) h = hashCombine(h, valueHash(item));
  return { items, hash: h };
}

const EMPTY: QueueState = makeQueue([]);

/**
 * A FIFO queue, initially empty: `enqueue` (input: an element) and `dequeue`
 * (output: the oldest element, or nil when the queue was empty).
 * An indeterminate dequeue may have removed the oldest element, or not happened.
 */
export const queueCell: Model<QueueState> = {
  name: "queue",
  summary: "FIFO queue: enqueue X, dequeue → X (nil when empty); starts empty",
  init: () => EMPTY,
  step(state, op) {
    if (op.f === "enqueue") return makeQueue([...state.items, op.input]);
    const head = state.items.length === 0 ? null : state.items[0];
    if (op.status === "ok" && !valueEqual(op.output, head)) return undefined;
    return state.items.length === 0 ? state : makeQueue(state.items.slice(1));
  },
  equal(a, b) {
    if (a.hash !== b.hash || a.items.length !== b.items.length) return false;
    return a.items.every((x, i) => valueEqual(x, b.items[i]));
  },
  hash: (s) => s.hash,
  validate: (op) => checkF(op, "queue", ["enqueue", "dequeue"]),
  describeState: (s) => `[${s.items.map((x) => showValue(x)).join(" ")}]`,
  describeOp: (op) => describeCall(op, op.f === "enqueue" ? [op.input] : [], op.f === "dequeue"),
  explain: (state, op) =>
    `dequeue returned ${showValue(op.output)} but the oldest element is ${
      state.items.length === 0 ? "nil (empty)" : showValue(state.items[0])
    }`,
};
