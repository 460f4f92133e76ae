import type { NodeId } from "../core/index.js";
import { assert, describeValue, isNodeId, isRecord } from "../core/index.js";
import type { PartitionShape, ScheduledFault } from "./schedule.js";
import { PARTITION_SHAPES, sortSchedule } from "./schedule.js";
import { partitionGroups } from "./schedule-partition.js";
import { ScheduleRng } from "./schedule-rng.js";
import type { FaultVerb } from "./types.js";
import { FAULT_VERBS } from "./types.js";

/**
 * A fault as a scenario file may write it: a `ScheduledFault`, except that a
 * partition may give only its `shape`, whose groups are drawn from the seed
 * when the node count is known (`resolveSchedule`).
 */
export type DraftFault =
  | ScheduledFault
  | {
      readonly at: number;
      readonly fault: "partition";
      readonly shape: PartitionShape;
      readonly healAt?: number;
    };

type FieldKind =
  | "node"
  | "nodes"
  | "probability"
  | "capacity"
  | "ms"
  | "number"
  | "ppm"
  | "boolean"
  | "mode"
  | "shape"
  | "groups";

interface VerbFields {
  readonly required: Readonly<Record<string, FieldKind>>;
  readonly optional: Readonly<Record<string, FieldKind>>;
}

const HEAL = { healAt: "ms" } as const;
const RATE: VerbFields = {
  required: { probability: "probability" },
  optional: { nodes: "nodes", ...HEAL },
};

/** The fields each verb takes, beyond `at` and `fault`. */
const FIELDS: Readonly<Record<FaultVerb, VerbFields>> = {
  crash: { required: { node: "node" }, optional: HEAL },
  failstop: { required: { node: "node" }, optional: HEAL },
  loss: RATE,
  corrupt: RATE,
  duplicate: RATE,
  replay: RATE,
  buffer: { required: { capacity: "capacity" }, optional: { nodes: "nodes", ...HEAL } },
  link: { required: { from: "node", to: "node" }, optional: { twoWay: "boolean", ...HEAL } },
  partition: { required: {}, optional: { shape: "shape", groups: "groups", ...HEAL } },
  delay: { required: { extraLatencyMs: "ms" }, optional: { nodes: "nodes", ...HEAL } },
  pause: { required: { node: "node", healAt: "ms" }, optional: {} },
  clock: { required: { node: "node" }, optional: { skewMs: "number", driftPpm: "ppm", ...HEAL } },
  disk: { required: { node: "node", mode: "mode" }, optional: {} },
  restart: { required: { node: "node" }, optional: { downMs: "ms", tear: "boolean" } },
};

/** Limits on what a fault may say. */
export const FAULT_LIMITS = {
  /** Virtual times in a schedule stay below this (about 31 years). */
  msMax: 1e12,
  /** Clock drift is kept above -1,000,000 ppm so a clock never stops or runs backwards. */
  driftPpmMin: -999_999,
  driftPpmMax: 1_000_000,
  nodeListMax: 100_000,
  groupCountMax: 100_000,
} as const;

function checkKind(kind: FieldKind, v: unknown): string | undefined {
  const L = FAULT_LIMITS;
  const got = `got ${describeValue(v)}`;
  switch (kind) {
    case "node":
      return isNodeId(v) ? undefined : `expected a node id (an integer >= 0), ${got}`;
    case "nodes":
      return checkNodeList(v);
    case "probability":
      return typeof v === "number" && v >= 0 && v <= 1
        ? undefined
        : `expected a probability in [0, 1], ${got}`;
    case "capacity":
      return Number.isSafeInteger(v) && (v as number) >= 0
        ? undefined
        : `expected a message count (an integer >= 0), ${got}`;
    case "ms":
      return typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= L.msMax
        ? undefined
        : `expected ms >= 0, ${got}`;
    case "number":
      return typeof v === "number" && Number.isFinite(v) && Math.abs(v) <= L.msMax
        ? undefined
        : `expected a finite number, ${got}`;
    case "ppm":
      return typeof v === "number" && v >= L.driftPpmMin && v <= L.driftPpmMax
        ? undefined
        : `expected ppm in [${L.driftPpmMin}, ${L.driftPpmMax}], ${got}`;
    case "boolean":
      return typeof v === "boolean" ? undefined : `expected true or false, ${got}`;
    case "mode":
      return v === "corrupt" || v === "torn" ? undefined : `expected "corrupt" or "torn", ${got}`;
    case "shape":
      return PARTITION_SHAPES.includes(v as PartitionShape)
        ? undefined
        : `expected one of ${PARTITION_SHAPES.join(", ")}, ${got}`;
    case "groups":
      return checkGroups(v);
  }
}

function checkNodeList(v: unknown): string | undefined {
  if (!Array.isArray(v) || v.length === 0 || v.length > FAULT_LIMITS.nodeListMax) {
    return `expected a non-empty array of node ids, got ${describeValue(v)}`;
  }
  const bad = v.findIndex((n) => !isNodeId(n));
  return bad === -1
    ? undefined
    : `[${bad}]: expected a node id (an integer >= 0), got ${describeValue(v[bad])}`;
}

function checkGroups(v: unknown): string | undefined {
  if (!Array.isArray(v) || v.length === 0 || v.length > FAULT_LIMITS.groupCountMax) {
    return `expected a non-empty array of groups (arrays of node ids), got ${describeValue(v)}`;
  }
  for (let i = 0; i < v.length; i++) {
    const problem = checkNodeList(v[i]);
    if (problem !== undefined) return `[${i}]${problem.startsWith("[") ? "" : ": "}${problem}`;
  }
  return undefined;
}

/**
 * Checks one fault of a scenario file. Returns the draft fault, or the first
 * problem as `field: expected …, got …` relative to the fault (the caller puts
 * `faults[i].` in front). Node ids are checked against the node count later, by
 * `checkScheduleNodes`, since `--nodes` may change it.
 */
export function parseFault(value: unknown): DraftFault | string {
  if (!isRecord(value)) return `expected an object, got ${describeValue(value)}`;
  const verb = value.fault;
  if (typeof verb !== "string" || !FAULT_VERBS.includes(verb as FaultVerb)) {
    return `fault: expected one of ${FAULT_VERBS.join(", ")}, got ${describeValue(verb)}`;
  }
  const fields = FIELDS[verb as FaultVerb];
  const atProblem = checkKind("ms", value.at);
  if (atProblem !== undefined) return `at: ${atProblem}`;
  for (const [name, kind] of Object.entries(fields.required)) {
    if (!(name in value)) return `${name}: required for ${verb}, missing`;
    const problem = checkKind(kind, value[name]);
    if (problem !== undefined) return `${name}${problem.startsWith("[") ? "" : ": "}${problem}`;
  }
  for (const name of Object.keys(value)) {
    if (name === "at" || name === "fault" || name in fields.required) continue;
    const kind = fields.optional[name];
    if (kind === undefined) {
      const known = [
        "at",
        "fault",
        ...Object.keys(fields.required),
        ...Object.keys(fields.optional),
      ];
      return `${name}: unknown field for ${verb} (known: ${known.join(", ")})`;
    }
    const problem = checkKind(kind, value[name]);
    if (problem !== undefined) return `${name}${problem.startsWith("[") ? "" : ": "}${problem}`;
  }
  return checkRelations(value, verb as FaultVerb) ?? (value as unknown as DraftFault);
}

function checkRelations(value: Record<string, unknown>, verb: FaultVerb): string | undefined {
  const at = value.at as number;
  if (value.healAt !== undefined && (value.healAt as number) <= at) {
    return `healAt: expected ms after at (${at}), got ${describeValue(value.healAt)}`;
  }
  if (verb === "link" && value.from === value.to) {
    return `to: expected a node other than from (${describeValue(value.from)}), got ${describeValue(value.to)}`;
  }
  if (verb === "partition" && value.shape === undefined && value.groups === undefined) {
    return `shape: a partition needs a shape (${PARTITION_SHAPES.join(", ")}) or groups, got neither`;
  }
  return undefined;
}

/** The first node id in `faults` that is not below `nodeCount`, as `faults[i].field: …`. */
export function checkScheduleNodes(
  faults: readonly DraftFault[],
  nodeCount: number,
): string | undefined {
  const tooBig = (n: unknown) => typeof n === "number" && n >= nodeCount;
  const why = (n: unknown) =>
    `expected a node id below the node count ${nodeCount}, got ${String(n)}`;
  for (let i = 0; i < faults.length; i++) {
    const f = faults[i] as unknown as Record<string, unknown>;
    for (const key of ["node", "from", "to"]) {
      if (tooBig(f[key])) return `faults[${i}].${key}: ${why(f[key])}`;
    }
    const nodes = Array.isArray(f.nodes) ? (f.nodes as NodeId[]) : [];
    const bad = nodes.findIndex(tooBig);
    if (bad !== -1) return `faults[${i}].nodes[${bad}]: ${why(nodes[bad])}`;
    const groups = Array.isArray(f.groups) ? (f.groups as NodeId[][]) : [];
    for (let g = 0; g < groups.length; g++) {
      const j = (groups[g] ?? []).findIndex(tooBig);
      if (j !== -1) return `faults[${i}].groups[${g}][${j}]: ${why(groups[g]?.[j])}`;
    }
    if (f.fault === "partition" && nodeCount < 2) {
      return `faults[${i}]: a partition needs at least 2 nodes, the run has ${nodeCount}`;
    }
    if (f.fault === "link" && nodeCount < 2) {
      return `faults[${i}]: a link fault needs at least 2 nodes, the run has ${nodeCount}`;
    }
  }
  return undefined;
}

/**
 * Makes a file's faults explicit for a run of `nodeCount` nodes: a partition
 * given only by `shape` gets its groups drawn from (`seed`, its index), so the
 * same file and seed always cut the same way. Returns them sorted by `at`.
 */
export function resolveSchedule(
  faults: readonly DraftFault[],
  seed: number,
  nodeCount: number,
): ScheduledFault[] {
  const resolved = faults.map((f, i): ScheduledFault => {
    if (f.fault !== "partition" || ("groups" in f && f.groups !== undefined))
      return f as ScheduledFault;
    assert(f.shape !== undefined, () => `faults[${i}]: a partition without groups or shape`);
    const groups = partitionGroups(f.shape, nodeCount, new ScheduleRng(seed, 1000 + i));
    return { ...f, groups };
  });
  return sortSchedule(resolved);
}
