import type { Operation } from "../history.js";
import type { Model } from "../model.js";
import { hashString, showValue } from "../values.js";
import { checkF, describeCall } from "./describe.js";

function kvProblem(op: Operation): string | undefined {
  const fProblem = checkF(op, "kv", ["get", "put", "append"]);
  if (fProblem !== undefined) return fProblem;
  if (op.f !== "get" && typeof op.input !== "string") {
    return `model kv: ${op.f}: expected a string value, got ${showValue(op.input)}`;
  }
  if (op.f === "get" && op.status === "ok" && typeof op.output !== "string") {
    return `model kv: get: expected the string read, got ${showValue(op.output)}`;
  }
  return undefined;
}

/**
 * One key of a key-value store: a string, initially `""`. `get` returns it,
 * `put` sets it, `append` concatenates to it (the MIT 6.824 / Porcupine kv
 * histories). The `kv` model is this cell per key.
 */
export const appendCell: Model<string> = {
  name: "kv",
  summary: 'key-value store: get, put, append on strings; every key starts ""',
  init: () => "",
  step(state, op) {
    switch (op.f) {
      case "get":
        return op.status !== "ok" || op.output === state ? state : undefined;
      case "put":
        return op.input as string;
      default:
        return state + (op.input as string);
    }
  },
  equal: (a, b) => a === b,
  hash: (s) => hashString(s),
  readOnly: (op) => op.f === "get",
  blindWrite: (op) => op.f === "put",
  validate: kvProblem,
  describeState: (s) => showValue(s),
  describeOp: (op) => describeCall(op, op.f === "get" ? [] : [op.input], op.f === "get"),
  explain: (state, op) =>
    op.f === "get"
      ? `get saw ${showValue(op.output)} but the key holds ${showValue(state)}`
      : `${op.f} cannot happen when the key holds ${showValue(state)}`,
};
