import type { NodeId } from "../core/index.js";
import { assert } from "../core/index.js";
import type { FaultSpec, FaultVerb } from "./types.js";

/** The shapes a `partition` fault may take; each is computed by `partitionGroups`. */
export const PARTITION_SHAPES = ["halves", "majority", "isolate", "bridge", "ring"] as const;

/** A named partition shape. */
export type PartitionShape = (typeof PARTITION_SHAPES)[number];

type Flat<S> = S extends { readonly verb: infer V }
  ? { readonly fault: V; readonly at: number; readonly healAt?: number } & Omit<
      S,
      "verb" | "durationMs"
    >
  : never;

/**
 * One timed fault of a schedule, as written in a scenario file's `faults` and
 * printed in a run summary: `at` (virtual ms) the nemesis does `fault` with the
 * verb's options (the engine's `FaultSpec` fields), and `healAt` (when given)
 * it heals. A `partition` also names its `shape`; its `groups` are always
 * resolved, so a schedule is fully explicit: replaying it, or any subset of it,
 * injects exactly these faults.
 */
export type ScheduledFault =
  | Exclude<Flat<FaultSpec>, { readonly fault: "partition" }>
  | (Flat<Extract<FaultSpec, { readonly verb: "partition" }>> & {
      readonly shape?: PartitionShape;
    });

/** A fault schedule: timed faults in ascending `at` (ties keep their order). */
export type Schedule = readonly ScheduledFault[];

/** Verbs whose fault lasts until healed; the others (disk, restart) act once. */
export const HEALABLE_VERBS: readonly FaultVerb[] = [
  "crash",
  "failstop",
  "loss",
  "buffer",
  "link",
  "partition",
  "delay",
  "pause",
  "clock",
  "corrupt",
  "duplicate",
  "replay",
];

/** True when `verb` takes a `healAt`. */
export function isHealable(verb: FaultVerb): boolean {
  return HEALABLE_VERBS.includes(verb);
}

/**
 * The engine's `FaultSpec` for a scheduled fault: `fault` becomes `verb`,
 * `healAt - at` becomes `durationMs`, and `at`/`shape` are dropped.
 */
export function toFaultSpec(fault: ScheduledFault): FaultSpec {
  const { at, healAt, fault: verb, ...options } = fault;
  const rest: Record<string, unknown> = { ...options };
  delete rest.shape;
  if (healAt !== undefined) {
    assert(healAt > at, () => `${verb} at ${at}: healAt ${healAt} must come after at`);
    rest.durationMs = healAt - at;
  }
  return { verb, ...rest } as FaultSpec;
}

/**
 * The scheduled form of an engine fault injected at `atMs` and healed at
 * `healedAtMs` (when it was): the inverse of `toFaultSpec`.
 */
export function fromFaultSpec(spec: FaultSpec, atMs: number, healedAtMs?: number): ScheduledFault {
  const { verb, ...options } = spec;
  const rest: Record<string, unknown> = { ...options };
  delete rest.durationMs;
  const healAt =
    healedAtMs ??
    ("durationMs" in spec && spec.durationMs !== undefined ? atMs + spec.durationMs : undefined);
  const head = { at: atMs, fault: verb };
  return (
    healAt === undefined ? { ...head, ...rest } : { ...head, ...rest, healAt }
  ) as ScheduledFault;
}

/** Sorts a schedule by `at`, keeping the order of faults at the same time. */
export function sortSchedule(faults: readonly ScheduledFault[]): ScheduledFault[] {
  return faults
    .map((fault, index) => ({ fault, index }))
    .sort((a, b) => a.fault.at - b.fault.at || a.index - b.index)
    .map((x) => x.fault);
}

/** The nodes a fault names directly (its `node`, `from`/`to`, `nodes`), ascending and unique. */
export function faultNodes(fault: ScheduledFault): NodeId[] {
  const found = new Set<NodeId>();
  const record = fault as unknown as Record<string, unknown>;
  for (const key of ["node", "from", "to"]) {
    const v = record[key];
    if (typeof v === "number") found.add(v);
  }
  const nodes = record.nodes;
  if (Array.isArray(nodes)) for (const n of nodes) if (typeof n === "number") found.add(n);
  return [...found].sort((a, b) => a - b);
}

/** One line for a human: `t=1000ms partition halves [0,1 | 2,3,4] until 5000ms`. */
export function describeFault(fault: ScheduledFault): string {
  const { at, healAt, fault: verb, ...options } = fault;
  const parts: string[] = [`t=${at}ms ${verb}`];
  for (const [key, value] of Object.entries(options)) {
    if (key === "groups" && Array.isArray(value)) {
      parts.push(`[${(value as NodeId[][]).map((g) => g.join(",")).join(" | ")}]`);
    } else if (key === "shape") {
      parts.push(String(value));
    } else {
      parts.push(`${key}=${Array.isArray(value) ? `[${value.join(",")}]` : String(value)}`);
    }
  }
  if (healAt !== undefined) parts.push(`until ${healAt}ms`);
  return parts.join(" ");
}
