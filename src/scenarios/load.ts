import { readFileSync } from "node:fs";
import type { AnyScenario } from "../sim/scenario.js";
import type { ScenarioFile } from "../sim/scenario-file.js";
import { parseScenarioFile } from "../sim/scenario-file.js";
import type { RunPlan, RunRequest } from "../sim/scenario-run.js";
import { planRun } from "../sim/scenario-run.js";
import type { RandomNemesis } from "../sim/schedule-random.js";
import { findScenario } from "./index.js";

/**
 * What to run, as plain data that crosses to a worker thread: a scenario name
 * or a scenario file path, and the settings given on the command line (they
 * override the file's, which override the scenario's defaults).
 */
export interface RunSpec {
  /** A scenario name (`cohort sim --list`) or the path of a scenario file (`.json`). */
  readonly target: string;
  readonly seed?: number;
  readonly nodes?: number;
  readonly durationMs?: number;
  readonly nemesis?: RandomNemesis | "none";
}

/** The target names no scenario, or its file is unreadable or malformed; the message says which and why. */
export class LoadError extends Error {
  override readonly name = "LoadError";
}

/** True when `target` names a file rather than a scenario. */
export function isFileTarget(target: string): boolean {
  return target.endsWith(".json") || target.includes("/") || target.includes("\\");
}

/** A loaded target: the scenario, its file (when it came from one), and the request minus the seed. */
export interface LoadedTarget {
  readonly scenario: AnyScenario;
  readonly file?: ScenarioFile;
  readonly request: Omit<RunRequest, "seed">;
}

/**
 * Loads `spec.target` (reading and checking the file when it is one) and
 * merges the settings: flags over file over scenario defaults. Throws a
 * `LoadError` naming the file, field or scenario at fault.
 */
export function loadTarget(spec: RunSpec): LoadedTarget {
  if (!isFileTarget(spec.target)) {
    const scenario = findScenario(spec.target);
    if (scenario === undefined) {
      throw new LoadError(
        `unknown scenario ${JSON.stringify(spec.target)}; cohort sim --list shows them`,
      );
    }
    return { scenario, request: overrides(spec) };
  }
  let text: string;
  try {
    text = readFileSync(spec.target, "utf8");
  } catch (error) {
    throw new LoadError(`cannot read ${spec.target}: ${(error as Error).message}`);
  }
  let file: ScenarioFile;
  try {
    file = parseScenarioFile(text, spec.target);
  } catch (error) {
    throw new LoadError((error as Error).message);
  }
  const scenario = findScenario(file.scenario);
  if (scenario === undefined) {
    throw new LoadError(
      `${spec.target}: scenario: unknown scenario ${JSON.stringify(file.scenario)}; cohort sim --list shows them`,
    );
  }
  const request: Omit<RunRequest, "seed"> = {
    ...fileSettings(file),
    faults: file.faults,
    file: spec.target,
    ...overrides(spec),
  };
  return { scenario, file, request };
}

function fileSettings(file: ScenarioFile): Omit<RunRequest, "seed"> {
  return {
    ...(file.nodes === undefined ? {} : { nodes: file.nodes }),
    ...(file.durationMs === undefined ? {} : { durationMs: file.durationMs }),
    ...(file.nemesis === undefined ? {} : { nemesis: file.nemesis }),
    ...(file.network === undefined ? {} : { network: file.network }),
    ...(file.receiveBufferCapacity === undefined
      ? {}
      : { receiveBufferCapacity: file.receiveBufferCapacity }),
  };
}

function overrides(spec: RunSpec): Omit<RunRequest, "seed"> {
  return {
    ...(spec.nodes === undefined ? {} : { nodes: spec.nodes }),
    ...(spec.durationMs === undefined ? {} : { durationMs: spec.durationMs }),
    ...(spec.nemesis === undefined ? {} : { nemesis: spec.nemesis }),
  };
}

/**
 * The plan of `spec` for `seed` (the spec's own seed, else the file's, else
 * `fallbackSeed`). Throws `LoadError` or the engine layer's `RunSetupError`.
 */
export function planSpec(spec: RunSpec, seed?: number, fallbackSeed = 0): RunPlan {
  const loaded = loadTarget(spec);
  const chosen = seed ?? spec.seed ?? loaded.file?.seed ?? fallbackSeed;
  return planRun(loaded.scenario, { ...loaded.request, seed: chosen });
}
