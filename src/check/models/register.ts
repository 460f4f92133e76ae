import type { Operation } from "../history.js";
import type { Model } from "../model.js";
import { showValue, valueEqual, valueHash } from "../values.js";
import { checkF, describeCall } from "./describe.js";

/** Checks a compare-and-set input `[expected, replacement]`. */
function casProblem(op: Operation, model: string): string | undefined {
  const input = op.input;
  return Array.isArray(input) && input.length === 2
    ? undefined
    : `model ${model}: cas: expected input [old new], got ${showValue(input)}`;
}

function describeRegisterOp(op: Operation): string {
  switch (op.f) {
    case "read":
      return describeCall(op, [], true);
    case "cas":
      return describeCall(op, Array.isArray(op.input) ? op.input : [op.input], false);
    default:
      return describeCall(op, [op.input], false);
  }
}

function explainRegister(state: unknown, op: Operation): string {
  const holds = state === null ? "is absent (nil)" : `holds ${showValue(state)}`;
  if (op.f === "read") return `read saw ${showValue(op.output)} but the register ${holds}`;
  if (op.f === "cas" && Array.isArray(op.input)) {
    return op.status === "fail"
      ? `cas failed, so the register must not hold ${showValue(op.input[0])}, but it does`
      : `cas needed ${showValue(op.input[0])} but the register ${holds}`;
  }
  return `${describeRegisterOp(op)} cannot happen when the register ${holds}`;
}

/** Read and write, shared by the three register cells. Undefined for `cas`. */
function stepReadWrite(state: unknown, op: Operation): unknown {
  if (op.f === "write") return op.input;
  // read: an indeterminate or definite-failed read saw nothing, so it constrains nothing.
  return op.status !== "ok" || valueEqual(op.output, state) ? state : undefined;
}

const registerBase = {
  init: (): unknown => null,
  readOnly: (op: Operation): boolean => op.f === "read",
  blindWrite: (op: Operation): boolean => op.f === "write",
  equal: valueEqual,
  hash: valueHash,
  describeState: (state: unknown): string => (state === null ? "nil" : showValue(state)),
  describeOp: describeRegisterOp,
  explain: explainRegister,
};

/**
 * A single register of any JSON-like value, initially nil (null): `read`
 * (output: the value) and `write` (input: the value). Knossos's `register`.
 */
export const registerCell: Model<unknown> = {
  ...registerBase,
  name: "register",
  summary: "one register: read, write; starts nil",
  step: stepReadWrite,
  validate: (op) => checkF(op, "register", ["read", "write"]),
};

/**
 * A register with compare-and-set, initially nil: `read`, `write`, and
 * `cas` with input `[old, new]` that sets `new` when the value equals `old`.
 * A failed cas never happened (Knossos's `cas-register`).
 */
export const casRegisterCell: Model<unknown> = {
  ...registerBase,
  name: "cas-register",
  summary: "one register: read, write, cas [old new]; failed cas never happened; starts nil",
  step(state, op) {
    if (op.f !== "cas") return stepReadWrite(state, op);
    const [expected, replacement] = op.input as readonly unknown[];
    return valueEqual(state, expected) ? replacement : undefined;
  },
  validate: (op) =>
    checkF(op, "cas-register", ["read", "write", "cas"]) ??
    (op.f === "cas" ? casProblem(op, "cas-register") : undefined),
};

/**
 * The register of Porcupine's etcd histories: like `cas-register`, but a
 * failed cas is definite (it ran and found a value other than `old`), and a
 * read that failed or timed out constrains nothing. Starts absent (nil).
 */
export const etcdCell: Model<unknown> = {
  ...registerBase,
  name: "etcd",
  summary: "etcd key: read, write, cas [old new]; failed cas is definite; starts absent",
  keepFailed: (op) => op.f === "cas",
  // A definitely failed cas changes nothing, like a read.
  readOnly: (op) => op.f === "read" || (op.f === "cas" && op.status === "fail"),
  step(state, op) {
    if (op.f !== "cas") return stepReadWrite(state, op);
    const [expected, replacement] = op.input as readonly unknown[];
    const matches = valueEqual(state, expected);
    if (op.status === "fail") return matches ? undefined : state;
    return matches ? replacement : undefined;
  },
  validate: (op) =>
    checkF(op, "etcd", ["read", "write", "cas"]) ??
    (op.f === "cas" ? casProblem(op, "etcd") : undefined),
};
