import type { Model } from "../model.js";
import { hashCombine, showValue } from "../values.js";
import { checkF, describeCall } from "./describe.js";

/**
 * A counter, initially 0: `add` (input: a finite number, may be negative)
 * and `read` (output: the current value). Jepsen's counter workload.
 */
export const counterCell: Model<number> = {
  name: "counter",
  summary: "counter: add N, read; starts 0",
  init: () => 0,
  step(state, op) {
    if (op.f === "add") return state + (op.input as number);
    return op.status !== "ok" || op.output === state ? state : undefined;
  },
  equal: (a, b) => a === b,
  readOnly: (op) => op.f === "read",
  hash: (s) => hashCombine(0x636f756e, Number.isInteger(s) ? s | 0 : Math.round(s * 1e6) | 0),
  validate(op) {
    const fProblem = checkF(op, "counter", ["add", "read"]);
    if (fProblem !== undefined) return fProblem;
    if (op.f === "add" && !(typeof op.input === "number" && Number.isFinite(op.input))) {
      return `model counter: add: expected a number, got ${showValue(op.input)}`;
    }
    if (op.f === "read" && op.status === "ok" && typeof op.output !== "number") {
      return `model counter: read: expected the number read, got ${showValue(op.output)}`;
    }
    return undefined;
  },
  describeState: (s) => String(s),
  describeOp: (op) => describeCall(op, op.f === "add" ? [op.input] : [], op.f === "read"),
  explain: (state, op) => `read saw ${showValue(op.output)} but the counter is ${state}`,
};
