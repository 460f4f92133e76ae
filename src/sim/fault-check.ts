import { describeValue, isRecord } from "../core/index.js";
import { FAULT_VERBS, type FaultSpec } from "./types.js";

type Fields = Record<string, unknown>;

function nodeProblem(obj: Fields, field: string, nodeCount: number): string | undefined {
  const v = obj[field];
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v < nodeCount) return undefined;
  return `${field}: expected a node id in 0..${nodeCount - 1}, got ${describeValue(v)}`;
}

function nodesProblem(
  obj: Fields,
  field: string,
  nodeCount: number,
  required: boolean,
): string | undefined {
  const v = obj[field];
  if (v === undefined && !required) return undefined;
  if (!Array.isArray(v)) return `${field}: expected an array of node ids, got ${describeValue(v)}`;
  for (let i = 0; i < v.length; i++) {
    const problem = nodeProblem({ [`${field}[${i}]`]: v[i] }, `${field}[${i}]`, nodeCount);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function numberProblem(
  obj: Fields,
  field: string,
  min: number,
  max: number,
  required: boolean,
): string | undefined {
  const v = obj[field];
  if (v === undefined && !required) return undefined;
  if (typeof v === "number" && Number.isFinite(v) && v >= min && v <= max) return undefined;
  return `${field}: expected a number in [${min}, ${max}], got ${describeValue(v)}`;
}

const MS_MAX = 1e12;

function verbProblem(spec: Fields, verb: string, n: number): string | undefined {
  const duration = numberProblem(spec, "durationMs", 0, MS_MAX, verb === "pause");
  switch (verb) {
    case "crash":
    case "failstop":
      return nodeProblem(spec, "node", n) ?? duration;
    case "loss":
    case "corrupt":
    case "duplicate":
    case "replay":
      return (
        numberProblem(spec, "probability", 0, 1, true) ??
        nodesProblem(spec, "nodes", n, false) ??
        duration
      );
    case "buffer":
      return (
        (Number.isSafeInteger(spec.capacity) && (spec.capacity as number) >= 0
          ? undefined
          : `capacity: expected a non-negative integer, got ${describeValue(spec.capacity)}`) ??
        nodesProblem(spec, "nodes", n, false) ??
        duration
      );
    case "link":
      return (
        nodeProblem(spec, "from", n) ??
        nodeProblem(spec, "to", n) ??
        (spec.twoWay === undefined || typeof spec.twoWay === "boolean"
          ? undefined
          : `twoWay: expected a boolean, got ${describeValue(spec.twoWay)}`) ??
        duration
      );
    case "partition":
      return partitionProblem(spec, n) ?? duration;
    case "delay":
      return (
        numberProblem(spec, "extraLatencyMs", 0, MS_MAX, true) ??
        nodesProblem(spec, "nodes", n, false) ??
        duration
      );
    case "pause":
      return nodeProblem(spec, "node", n) ?? duration;
    case "clock":
      return (
        nodeProblem(spec, "node", n) ??
        numberProblem(spec, "skewMs", -MS_MAX, MS_MAX, false) ??
        numberProblem(spec, "driftPpm", -999_999, 1e9, false) ??
        duration
      );
    case "disk":
      return (
        nodeProblem(spec, "node", n) ??
        (spec.mode === "corrupt" || spec.mode === "torn"
          ? undefined
          : `mode: expected "corrupt" or "torn", got ${describeValue(spec.mode)}`)
      );
    case "restart":
      return (
        nodeProblem(spec, "node", n) ??
        numberProblem(spec, "downMs", 0, MS_MAX, false) ??
        (spec.tear === undefined || typeof spec.tear === "boolean"
          ? undefined
          : `tear: expected a boolean, got ${describeValue(spec.tear)}`)
      );
    default:
      return `verb: expected one of ${FAULT_VERBS.join(", ")}, got ${describeValue(verb)}`;
  }
}

function partitionProblem(spec: Fields, n: number): string | undefined {
  const groups = spec.groups;
  if (!Array.isArray(groups) || groups.length === 0) {
    return `groups: expected a non-empty array of node-id arrays, got ${describeValue(groups)}`;
  }
  for (let g = 0; g < groups.length; g++) {
    const problem = nodesProblem({ [`groups[${g}]`]: groups[g] }, `groups[${g}]`, n, true);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * Checks that `spec` is a well-formed `FaultSpec` for a cluster of `nodeCount`
 * nodes. Returns the first problem as `field: expected …, got …`, or undefined.
 * Accepts any value, so a scenario file's fault entries can be checked directly.
 */
export function checkFault(spec: unknown, nodeCount: number): string | undefined {
  if (!isRecord(spec)) return `fault: expected an object, got ${describeValue(spec)}`;
  if (typeof spec.verb !== "string") {
    return `verb: expected one of ${FAULT_VERBS.join(", ")}, got ${describeValue(spec.verb)}`;
  }
  return verbProblem(spec, spec.verb, nodeCount);
}

/** Narrows `spec` to a `FaultSpec` or throws a `RangeError` with the problem. */
export function assertFault(spec: unknown, nodeCount: number): asserts spec is FaultSpec {
  const problem = checkFault(spec, nodeCount);
  if (problem !== undefined) throw new RangeError(`fault: ${problem}`);
}
