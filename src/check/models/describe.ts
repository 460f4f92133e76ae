import type { Operation } from "../history.js";
import { showValue } from "../values.js";

/**
 * Describes an operation as `f(input) → output` for reports: `write(3)`,
 * `read() → 3`, `cas(1, 4) fails`, `write(2) ?` (indeterminate).
 */
export function describeCall(op: Operation, args: readonly unknown[], showOutput: boolean): string {
  const call = `${op.f}(${args.map((a) => showValue(a)).join(", ")})`;
  switch (op.status) {
    case "ok":
      return showOutput ? `${call} → ${showValue(op.output)}` : call;
    case "fail":
      return `${call} fails`;
    case "info":
      return `${call} ?`;
  }
}

/** The problem with an operation whose `f` the model does not know, or undefined. */
export function checkF(op: Operation, model: string, fs: readonly string[]): string | undefined {
  return fs.includes(op.f)
    ? undefined
    : `model ${model}: expected f to be one of ${fs.join(", ")}, got ${JSON.stringify(op.f)}`;
}
