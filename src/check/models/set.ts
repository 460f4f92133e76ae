import type { Operation } from "../history.js";
import type { Model } from "../model.js";
import { hashString, showValue } from "../values.js";
import { checkF, describeCall } from "./describe.js";

/** A set's state: its elements as canonical JSON, sorted, with their hash. */
export interface SetState {
  readonly items: readonly string[];
  readonly hash: number;
}

function makeSet(items: readonly string[]): SetState {
  let h = 0x736574;
  for (const item of items) h ^= hashString(item);
  return { items, hash: h >>> 0 };
}

const EMPTY: SetState = makeSet([]);

function sameItems(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function canonicalRead(op: Operation): string[] {
  return [...new Set((op.output as unknown[]).map((v) => JSON.stringify(v)))].sort();
}

/**
 * A set, initially empty: `add` (input: an element), `remove` (input: an
 * element) and `read` (output: every element, in any order, as an array).
 * Elements are JSON-like values compared structurally (object keys in the same order).
 */
export const setCell: Model<SetState> = {
  name: "set",
  summary: "set: add X, remove X, read → [elements]; starts empty",
  init: () => EMPTY,
  step(state, op) {
    if (op.f === "read") {
      return op.status !== "ok" || sameItems(canonicalRead(op), state.items) ? state : undefined;
    }
    const item = JSON.stringify(op.input);
    const has = state.items.includes(item);
    if (op.f === "add") return has ? state : makeSet([...state.items, item].sort());
    return has ? makeSet(state.items.filter((x) => x !== item)) : state;
  },
  equal: (a, b) => a.hash === b.hash && sameItems(a.items, b.items),
  hash: (s) => s.hash,
  readOnly: (op) => op.f === "read",
  validate(op) {
    const fProblem = checkF(op, "set", ["add", "remove", "read"]);
    if (fProblem !== undefined) return fProblem;
    if (op.f === "read" && op.status === "ok" && !Array.isArray(op.output)) {
      return `model set: read: expected an array of elements, got ${showValue(op.output)}`;
    }
    return undefined;
  },
  describeState: (s) => `#{${s.items.join(" ")}}`,
  describeOp: (op) => describeCall(op, op.f === "read" ? [] : [op.input], op.f === "read"),
  explain: (state, op) =>
    `read saw ${showValue(op.output)} but the set holds #{${state.items.join(" ")}}`,
};
