import type { NodeId } from "../core/index.js";
import { assert, assertNever } from "../core/index.js";
import type { PartitionShape, ScheduledFault } from "./schedule.js";
import { PARTITION_SHAPES } from "./schedule.js";
import { partitionGroups } from "./schedule-partition.js";
import { ScheduleRng } from "./schedule-rng.js";
import type { FaultVerb } from "./types.js";

/** What a random nemesis may draw, and how often. */
export interface RandomNemesis {
  /** The verbs to mix (each equally likely). Empty: no faults. */
  readonly verbs: readonly FaultVerb[];
  /** Mean faults injected per virtual second (a Poisson process). */
  readonly ratePerSec: number;
}

/** Limits of random schedules. */
export const RANDOM_SCHEDULE_LIMITS = {
  /** No schedule holds more faults than this, whatever the rate and duration. */
  faultCountMax: 10_000,
  /** Faults are injected in the first `injectFraction` of the run, so the end shows their effect. */
  injectFraction: 0.8,
  ratePerSecMax: 1_000,
} as const;

/** What a random schedule is drawn for. */
export interface RandomScheduleInput {
  readonly seed: number;
  readonly nodeCount: number;
  readonly durationMs: number;
  readonly nemesis: RandomNemesis;
}

/**
 * Draws a schedule from the seed: fault times from a Poisson process of
 * `ratePerSec`, verbs uniformly from `nemesis.verbs`, targets and options
 * uniformly from sensible ranges. Same input → same schedule. Every fault is
 * explicit (partitions carry their groups), injected in the first 80% of the
 * run, and every heal falls within the run. Verbs that need two nodes
 * (link, partition) are skipped in a one-node cluster.
 */
export function randomSchedule(input: RandomScheduleInput): ScheduledFault[] {
  const { seed, nodeCount, durationMs, nemesis } = input;
  assert(nodeCount >= 1, () => `randomSchedule: nodeCount ${nodeCount} < 1`);
  assert(durationMs >= 0, () => `randomSchedule: durationMs ${durationMs} < 0`);
  const L = RANDOM_SCHEDULE_LIMITS;
  assert(
    nemesis.ratePerSec >= 0 && nemesis.ratePerSec <= L.ratePerSecMax,
    () => `randomSchedule: ratePerSec ${nemesis.ratePerSec} outside 0..${L.ratePerSecMax}`,
  );
  const verbs = nemesis.verbs.filter((v) => nodeCount >= 2 || (v !== "link" && v !== "partition"));
  if (verbs.length === 0 || nemesis.ratePerSec === 0 || durationMs === 0) return [];
  const rng = new ScheduleRng(seed, 1);
  const endMs = Math.floor(durationMs * L.injectFraction);
  const meanGapMs = 1000 / nemesis.ratePerSec;
  const faults: ScheduledFault[] = [];
  let t = 0;
  while (faults.length < L.faultCountMax) {
    t += -Math.log(1 - rng.next()) * meanGapMs;
    const at = Math.floor(t);
    if (at >= endMs) break;
    faults.push(drawFault(rng.pick(verbs), at, nodeCount, durationMs, rng));
  }
  return faults;
}

/** A heal time in (at, durationMs]: between 2% and 25% of the run after `at`. */
function drawHeal(at: number, durationMs: number, rng: ScheduleRng): number {
  const lengthMs = Math.max(1, Math.floor(rng.between(0.02, 0.25) * durationMs));
  return Math.min(durationMs, at + lengthMs);
}

/** Every node, or (half the time) a random non-empty subset of them. */
function drawNodes(nodeCount: number, rng: ScheduleRng): { nodes?: NodeId[] } {
  if (rng.chance(0.5)) return {};
  const size = rng.int(1, nodeCount);
  const all = Array.from({ length: nodeCount }, (_, i) => i);
  return {
    nodes: rng
      .shuffle(all)
      .slice(0, size)
      .sort((a, b) => a - b),
  };
}

function drawFault(
  verb: FaultVerb,
  at: number,
  nodeCount: number,
  durationMs: number,
  rng: ScheduleRng,
): ScheduledFault {
  const node = rng.int(0, nodeCount - 1);
  const healAt = drawHeal(at, durationMs, rng);
  const maybeHeal = () => (rng.chance(0.5) ? { healAt } : {});
  const probability = (max: number) => Math.round(rng.between(0.01, max) * 1000) / 1000;
  switch (verb) {
    case "crash":
    case "failstop":
      return { at, fault: verb, node, ...maybeHeal() };
    case "loss":
      return {
        at,
        fault: verb,
        probability: probability(0.5),
        ...drawNodes(nodeCount, rng),
        healAt,
      };
    case "corrupt":
    case "duplicate":
    case "replay":
      return {
        at,
        fault: verb,
        probability: probability(0.2),
        ...drawNodes(nodeCount, rng),
        healAt,
      };
    case "buffer":
      return { at, fault: verb, capacity: rng.int(1, 16), nodes: [node], healAt };
    case "link": {
      const to = (node + rng.int(1, nodeCount - 1)) % nodeCount;
      return { at, fault: verb, from: node, to, twoWay: rng.chance(0.5), healAt };
    }
    case "partition": {
      const shape: PartitionShape = rng.pick(PARTITION_SHAPES);
      return { at, fault: verb, shape, groups: partitionGroups(shape, nodeCount, rng), healAt };
    }
    case "delay":
      return {
        at,
        fault: verb,
        extraLatencyMs: rng.int(10, 1000),
        ...drawNodes(nodeCount, rng),
        healAt,
      };
    case "pause":
      return { at, fault: verb, node, healAt };
    case "clock":
      return {
        at,
        fault: verb,
        node,
        skewMs: rng.int(-1000, 1000),
        driftPpm: rng.int(-50_000, 50_000),
        healAt,
      };
    case "disk":
      return { at, fault: verb, node, mode: rng.chance(0.5) ? "corrupt" : "torn" };
    case "restart":
      return { at, fault: verb, node, downMs: rng.int(0, 2000), tear: rng.chance(0.5) };
    default:
      return assertNever(verb, "fault verb");
  }
}
