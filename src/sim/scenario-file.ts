import { describeValue, isRecord } from "../core/index.js";
import type { RandomNemesis } from "./schedule-random.js";
import { RANDOM_SCHEDULE_LIMITS } from "./schedule-random.js";
import type { DraftFault } from "./schedule-validate.js";
import { parseFault } from "./schedule-validate.js";
import type { FaultVerb, NetworkConfig } from "./types.js";
import { FAULT_VERBS } from "./types.js";

/**
 * A scenario file: which scenario to run and how — node count, duration, seed,
 * network, an explicit fault schedule and/or a random nemesis. Fields left out
 * fall back to flags, then to the scenario's defaults.
 */
export interface ScenarioFile {
  readonly scenario: string;
  readonly description?: string;
  readonly nodes?: number;
  readonly durationMs?: number;
  readonly seed?: number;
  readonly network?: NetworkConfig;
  readonly receiveBufferCapacity?: number;
  readonly faults: readonly DraftFault[];
  /** `none`: only the listed faults. Absent: the scenario's default nemesis. */
  readonly nemesis?: RandomNemesis | "none";
}

/** A malformed scenario file; the message names the file, the field and why. */
export class ScenarioFileError extends Error {
  override readonly name = "ScenarioFileError";
}

/** Limits on scenario files. */
export const SCENARIO_FILE_LIMITS = {
  nodesMax: 100_000,
  durationMsMax: 1e12,
  faultCountMax: 100_000,
  seedMax: 4294967295,
} as const;

const TOP_FIELDS = [
  "scenario",
  "description",
  "nodes",
  "durationMs",
  "seed",
  "network",
  "receiveBufferCapacity",
  "faults",
  "nemesis",
];

function intIn(v: unknown, min: number, max: number): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max;
}

/**
 * Parses and checks the text of a scenario file named `fileName` (used only in
 * messages). Throws a `ScenarioFileError` such as
 * `s.json: faults[3].at: expected ms >= 0, got -5` at the first problem;
 * returns a file whose every field has the right type and range.
 */
export function parseScenarioFile(text: string, fileName: string): ScenarioFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScenarioFileError(`${fileName}: not valid JSON: ${(error as Error).message}`);
  }
  const problem = checkTop(raw);
  if (problem !== undefined) throw new ScenarioFileError(`${fileName}: ${problem}`);
  const obj = raw as Record<string, unknown>;
  const faults: DraftFault[] = [];
  const list = (obj.faults ?? []) as unknown[];
  for (let i = 0; i < list.length; i++) {
    const parsed = parseFault(list[i]);
    if (typeof parsed === "string") {
      const sep = parsed.startsWith("expected") ? ": " : ".";
      throw new ScenarioFileError(`${fileName}: faults[${i}]${sep}${parsed}`);
    }
    faults.push(parsed);
  }
  const nemesis = parseNemesis(obj.nemesis);
  if (typeof nemesis === "string" && nemesis !== "none")
    throw new ScenarioFileError(`${fileName}: nemesis${nemesis}`);
  const file: Record<string, unknown> = { ...obj, faults };
  if (nemesis === undefined) delete file.nemesis;
  else file.nemesis = nemesis;
  return file as unknown as ScenarioFile;
}

function checkTop(raw: unknown): string | undefined {
  if (!isRecord(raw)) return `expected a JSON object, got ${describeValue(raw)}`;
  const L = SCENARIO_FILE_LIMITS;
  for (const key of Object.keys(raw)) {
    if (!TOP_FIELDS.includes(key)) return `${key}: unknown field (known: ${TOP_FIELDS.join(", ")})`;
  }
  if (typeof raw.scenario !== "string" || raw.scenario === "") {
    return `scenario: expected a scenario name (cohort sim --list), got ${describeValue(raw.scenario)}`;
  }
  if (raw.description !== undefined && typeof raw.description !== "string") {
    return `description: expected a string, got ${describeValue(raw.description)}`;
  }
  if (raw.nodes !== undefined && !intIn(raw.nodes, 1, L.nodesMax)) {
    return `nodes: expected an integer in [1, ${L.nodesMax}], got ${describeValue(raw.nodes)}`;
  }
  if (raw.durationMs !== undefined && !intIn(raw.durationMs, 0, L.durationMsMax)) {
    return `durationMs: expected ms >= 0 (an integer), got ${describeValue(raw.durationMs)}`;
  }
  if (raw.seed !== undefined && !intIn(raw.seed, 0, L.seedMax)) {
    return `seed: expected an integer in [0, ${L.seedMax}], got ${describeValue(raw.seed)}`;
  }
  if (raw.receiveBufferCapacity !== undefined && !intIn(raw.receiveBufferCapacity, 1, 1e9)) {
    return `receiveBufferCapacity: expected an integer >= 1, got ${describeValue(raw.receiveBufferCapacity)}`;
  }
  if (raw.network !== undefined) {
    const problem = checkNetwork(raw.network);
    if (problem !== undefined) return `network${problem}`;
  }
  if (raw.faults !== undefined && !Array.isArray(raw.faults)) {
    return `faults: expected an array of faults, got ${describeValue(raw.faults)}`;
  }
  if (Array.isArray(raw.faults) && raw.faults.length > L.faultCountMax) {
    return `faults: expected at most ${L.faultCountMax} faults, got ${raw.faults.length}`;
  }
  return undefined;
}

/** Parses `nemesis`: absent, `"none"`, `{random: true, ratePerSec?}` or `{verbs: [...], ratePerSec?}`. */
function parseNemesis(v: unknown): RandomNemesis | "none" | undefined | string {
  if (v === undefined) return undefined;
  if (v === "none") return "none";
  const shape = `expected "none", {"random": true, "ratePerSec": R} or {"verbs": [...], "ratePerSec": R}`;
  if (!isRecord(v)) return `: ${shape}, got ${describeValue(v)}`;
  for (const key of Object.keys(v)) {
    if (!["random", "verbs", "ratePerSec"].includes(key)) return `.${key}: unknown field; ${shape}`;
  }
  const rate = v.ratePerSec ?? 1;
  const max = RANDOM_SCHEDULE_LIMITS.ratePerSecMax;
  if (typeof rate !== "number" || !(rate >= 0 && rate <= max)) {
    return `.ratePerSec: expected faults per second in [0, ${max}], got ${describeValue(rate)}`;
  }
  if (v.random !== undefined && typeof v.random !== "boolean") {
    return `.random: expected true or false, got ${describeValue(v.random)}`;
  }
  if (v.verbs !== undefined) {
    if (v.random === true) return `: give "random": true or "verbs", not both`;
    const verbs = parseVerbList(v.verbs);
    return typeof verbs === "string" ? `.verbs${verbs}` : { verbs, ratePerSec: rate };
  }
  return v.random === true ? { verbs: FAULT_VERBS, ratePerSec: rate } : "none";
}

function parseVerbList(v: unknown): FaultVerb[] | string {
  if (!Array.isArray(v)) return `: expected an array of fault verbs, got ${describeValue(v)}`;
  for (let i = 0; i < v.length; i++) {
    if (!FAULT_VERBS.includes(v[i] as FaultVerb)) {
      return `[${i}]: expected one of ${FAULT_VERBS.join(", ")}, got ${describeValue(v[i])}`;
    }
  }
  return v as FaultVerb[];
}

const LINK_FIELDS: Record<string, (v: unknown) => boolean> = {
  latency: () => true,
  jitterMs: (v) => typeof v === "number" && v >= 0 && v <= 1e9,
  reorderProbability: (v) => typeof v === "number" && v >= 0 && v <= 1,
  reorderWindowMs: (v) => typeof v === "number" && v >= 0 && v <= 1e9,
  lossProbability: (v) => typeof v === "number" && v >= 0 && v <= 1,
  duplicateProbability: (v) => typeof v === "number" && v >= 0 && v <= 1,
};

function checkLinkModel(v: Record<string, unknown>, extra: readonly string[]): string | undefined {
  for (const [key, value] of Object.entries(v)) {
    if (extra.includes(key)) continue;
    const ok = LINK_FIELDS[key];
    if (ok === undefined) {
      return `.${key}: unknown field (known: ${[...Object.keys(LINK_FIELDS), ...extra].join(", ")})`;
    }
    if (key === "latency") {
      const problem = checkLatency(value);
      if (problem !== undefined) return `.latency${problem}`;
    } else if (!ok(value)) {
      const what = key.endsWith("Ms") ? "ms >= 0" : "a probability in [0, 1]";
      return `.${key}: expected ${what}, got ${describeValue(value)}`;
    }
  }
  return undefined;
}

function checkLatency(v: unknown): string | undefined {
  const kinds = `{"kind": "constant", "ms"}, {"kind": "uniform", "minMs", "maxMs"} or {"kind": "lognormal", "medianMs", "sigma"}`;
  if (!isRecord(v)) return `: expected ${kinds}, got ${describeValue(v)}`;
  const fieldsOf: Record<string, string[]> = {
    constant: ["ms"],
    uniform: ["minMs", "maxMs"],
    lognormal: ["medianMs", "sigma"],
  };
  const fields = typeof v.kind === "string" ? fieldsOf[v.kind] : undefined;
  if (fields === undefined)
    return `.kind: expected constant, uniform or lognormal, got ${describeValue(v.kind)}`;
  for (const key of Object.keys(v)) {
    if (key !== "kind" && !fields.includes(key))
      return `.${key}: unknown field for ${String(v.kind)} latency`;
  }
  for (const f of fields) {
    const x = v[f];
    if (typeof x !== "number" || !Number.isFinite(x) || x < 0) {
      return `.${f}: expected a number >= 0, got ${describeValue(x)}`;
    }
  }
  if (v.kind === "uniform" && (v.maxMs as number) < (v.minMs as number)) {
    return `.maxMs: expected at least minMs (${String(v.minMs)}), got ${String(v.maxMs)}`;
  }
  return undefined;
}

function checkNetwork(v: unknown): string | undefined {
  if (!isRecord(v)) return `: expected an object, got ${describeValue(v)}`;
  const problem = checkLinkModel(v, ["links"]);
  if (problem !== undefined) return problem;
  if (v.links === undefined) return undefined;
  if (!Array.isArray(v.links)) return `.links: expected an array, got ${describeValue(v.links)}`;
  for (let i = 0; i < v.links.length; i++) {
    const link: unknown = v.links[i];
    if (!isRecord(link)) return `.links[${i}]: expected an object, got ${describeValue(link)}`;
    for (const end of ["from", "to"]) {
      if (!intIn(link[end], 0, 1e9)) {
        return `.links[${i}].${end}: expected a node id, got ${describeValue(link[end])}`;
      }
    }
    const linkProblem = checkLinkModel(link, ["from", "to"]);
    if (linkProblem !== undefined) return `.links[${i}]${linkProblem}`;
  }
  return undefined;
}
