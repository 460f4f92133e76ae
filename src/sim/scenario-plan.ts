import { checkFault } from "./fault-check.js";
import type { AnyScenario } from "./scenario.js";
import { describeFault, type ScheduledFault, toFaultSpec } from "./schedule.js";
import type { RandomNemesis } from "./schedule-random.js";
import { randomSchedule } from "./schedule-random.js";
import type { DraftFault } from "./schedule-validate.js";
import { checkScheduleNodes, resolveSchedule } from "./schedule-validate.js";
import type { RunSettings } from "./summary.js";
import type { NetworkConfig } from "./types.js";
import { FAULT_VERBS } from "./types.js";

/** What to run: a seed and any settings that override the scenario's defaults. */
export interface RunRequest {
  readonly seed: number;
  readonly nodes?: number;
  readonly durationMs?: number;
  /** The random nemesis; absent: the scenario's default (none when it has none). */
  readonly nemesis?: RandomNemesis | "none";
  /** Explicit faults (a scenario file's, or a shrunk schedule), injected beside the random ones. */
  readonly faults?: readonly DraftFault[];
  readonly network?: NetworkConfig;
  readonly receiveBufferCapacity?: number;
  /** The scenario file this request came from (for the replay command). */
  readonly file?: string;
}

/** A run fully decided before it starts: settings and the whole fault schedule. */
export interface RunPlan {
  readonly scenario: AnyScenario;
  readonly seed: number;
  readonly settings: RunSettings;
  /** Every fault the run will inject, explicit and random, in `at` order. */
  readonly schedule: readonly ScheduledFault[];
}

/** A request that cannot run (bad node count, a fault naming a missing node); the message names the setting. */
export class RunSetupError extends Error {
  override readonly name = "RunSetupError";
}

/** Limits on a run's settings. */
export const RUN_LIMITS = { durationMsMax: 1e12, seedMax: 4294967295 } as const;

function nemesisLabel(nemesis: RandomNemesis | "none"): string {
  if (nemesis === "none" || nemesis.verbs.length === 0 || nemesis.ratePerSec === 0) return "none";
  const all = FAULT_VERBS.every((v) => nemesis.verbs.includes(v));
  return all ? "random" : nemesis.verbs.join(",");
}

/**
 * Decides a run: merges the request over the scenario's defaults, checks the
 * result (throws `RunSetupError` naming the setting), draws the random
 * schedule from the seed and resolves the explicit faults. Pure: the same
 * scenario and request give the same plan.
 */
export function planRun(scenario: AnyScenario, request: RunRequest): RunPlan {
  const d = scenario.defaults;
  const nodes = request.nodes ?? d.nodes;
  const durationMs = request.durationMs ?? d.durationMs;
  const nemesis = request.nemesis ?? d.nemesis ?? "none";
  if (
    !Number.isSafeInteger(request.seed) ||
    request.seed < 0 ||
    request.seed > RUN_LIMITS.seedMax
  ) {
    throw new RunSetupError(
      `seed: expected an integer in [0, ${RUN_LIMITS.seedMax}], got ${request.seed}`,
    );
  }
  if (!Number.isSafeInteger(nodes) || nodes < scenario.nodesMin || nodes > scenario.nodesMax) {
    throw new RunSetupError(
      `nodes: ${scenario.name} runs ${scenario.nodesMin}..${scenario.nodesMax} nodes, got ${nodes}`,
    );
  }
  if (
    !Number.isSafeInteger(durationMs) ||
    durationMs < 0 ||
    durationMs > RUN_LIMITS.durationMsMax
  ) {
    throw new RunSetupError(
      `duration: expected ms in [0, ${RUN_LIMITS.durationMsMax}], got ${durationMs}`,
    );
  }
  const explicit = request.faults ?? [];
  const problem = checkScheduleNodes(explicit, nodes);
  if (problem !== undefined) throw new RunSetupError(problem);
  const random =
    nemesis === "none"
      ? []
      : randomSchedule({ seed: request.seed, nodeCount: nodes, durationMs, nemesis });
  const schedule = resolveSchedule([...explicit, ...random], request.seed, nodes);
  for (const fault of schedule) {
    // The engine's own check, as a safety net behind the file validation.
    const engineProblem = checkFault(toFaultSpec(fault), nodes);
    if (engineProblem !== undefined)
      throw new RunSetupError(`${describeFault(fault)}: ${engineProblem}`);
  }
  const network = request.network ?? d.network;
  const buffer = request.receiveBufferCapacity ?? d.receiveBufferCapacity;
  const settings: RunSettings = {
    nodes,
    durationMs,
    nemesis: nemesisLabel(nemesis),
    ratePerSec: nemesis === "none" ? 0 : nemesis.ratePerSec,
    explicitFaults: explicit.length,
    ...(network === undefined ? {} : { network }),
    ...(buffer === undefined ? {} : { receiveBufferCapacity: buffer }),
    ...(request.file === undefined ? {} : { file: request.file }),
  };
  return { scenario, seed: request.seed, settings, schedule };
}

/** The exact `cohort sim` command that reruns `plan`. */
export function replayCommand(plan: RunPlan): string {
  const s = plan.settings;
  const target = s.file ?? plan.scenario.name;
  const parts = [
    `cohort sim ${target}`,
    `--seed ${plan.seed}`,
    `--nodes ${s.nodes}`,
    `--duration ${s.durationMs}`,
  ];
  parts.push(`--nemesis ${s.nemesis}`);
  if (s.nemesis !== "none") parts.push(`--rate ${s.ratePerSec}`);
  return parts.join(" ");
}
