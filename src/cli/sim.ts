import { randomInt } from "node:crypto";
import { writeFileSync } from "node:fs";
import { SCENARIOS } from "../scenarios/index.js";
import type { RunSpec } from "../scenarios/load.js";
import { LoadError, planSpec } from "../scenarios/load.js";
import type { RunPlan } from "../sim/scenario-run.js";
import { checkDeterminism, executePlan, RunSetupError } from "../sim/scenario-run.js";
import type { RandomNemesis } from "../sim/schedule-random.js";
import { RANDOM_SCHEDULE_LIMITS } from "../sim/schedule-random.js";
import { formatSettings, formatSummary } from "../sim/summary.js";
import type { FaultVerb } from "../sim/types.js";
import { FAULT_VERBS } from "../sim/types.js";
import type { Command } from "./command.js";
import { EXIT, intFlag, parseFlags, UsageError } from "./command.js";

const HELP = `cohort sim <scenario | file.json> [options]
cohort sim --list

Runs one scenario in the deterministic simulator and checks it. Prints the
seed and every setting first, then what happened, then the verdict; a failure
ends with the exact command that replays it. Exit 0 when every check held,
1 on a violation, 2 on bad usage or a malformed scenario file.

Options:
  --seed N              the seed (0..4294967295); default: the file's, else random
  --nodes N             node count (default: the file's, else the scenario's)
  --duration MS         virtual run length in ms
  --nemesis LIST        random faults: none, random (every verb) or verbs,
                        e.g. crash,partition,loss (verbs: ${FAULT_VERBS.join(", ")})
  --rate R              random faults per virtual second (default 1)
  --json                print one JSON object (the run summary) and nothing else
  --trace FILE          write the full trace as JSONL to FILE
  --save-schedule FILE  write the run's whole fault schedule as a scenario file
  --check-determinism   run the seed twice and report the first difference
  --list                list the scenarios
  -h, --help            this help

Examples:
  cohort sim pingpong --seed 1
  cohort sim pingpong-fragile --seed 4 --nemesis duplicate,loss --rate 2 --json
  cohort sim my-scenario.json`;

const FLAGS = {
  seed: { type: "string" },
  nodes: { type: "string" },
  duration: { type: "string" },
  nemesis: { type: "string" },
  rate: { type: "string" },
  json: { type: "boolean" },
  trace: { type: "string" },
  "save-schedule": { type: "string" },
  "check-determinism": { type: "boolean" },
  list: { type: "boolean" },
} as const;

/** Parses `--nemesis` (and `--rate`): `none`, `random` or a comma-separated list of verbs. */
export function parseNemesisFlag(
  list: string | undefined,
  rate: string | undefined,
): RandomNemesis | "none" | undefined {
  const ratePerSec = parseRate(rate);
  if (list === undefined) {
    if (rate !== undefined)
      throw new UsageError("--rate: needs --nemesis (random or a list of verbs)");
    return undefined;
  }
  if (list === "none") return "none";
  if (list === "random") return { verbs: FAULT_VERBS, ratePerSec };
  const verbs = list.split(",").map((v) => v.trim());
  for (const verb of verbs) {
    if (!FAULT_VERBS.includes(verb as FaultVerb)) {
      throw new UsageError(
        `--nemesis: unknown fault ${JSON.stringify(verb)}; expected none, random or a comma-separated list of ${FAULT_VERBS.join(", ")}`,
      );
    }
  }
  return { verbs: [...new Set(verbs)] as FaultVerb[], ratePerSec };
}

function parseRate(text: string | undefined): number {
  if (text === undefined) return 1;
  const max = RANDOM_SCHEDULE_LIMITS.ratePerSecMax;
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 0 && value <= max)) {
    throw new UsageError(
      `--rate: expected faults per second in [0, ${max}], got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** The settings flags shared by sim, sweep and shrink, as a `RunSpec` for `target`. */
export function specFromFlags(
  target: string,
  values: { seed?: string; nodes?: string; duration?: string; nemesis?: string; rate?: string },
): RunSpec {
  const nemesis = parseNemesisFlag(values.nemesis, values.rate);
  return {
    target,
    ...(values.seed === undefined ? {} : { seed: intFlag("seed", values.seed, 0, 0, 4294967295) }),
    ...(values.nodes === undefined ? {} : { nodes: intFlag("nodes", values.nodes, 0, 1, 100_000) }),
    ...(values.duration === undefined
      ? {}
      : { durationMs: intFlag("duration", values.duration, 0, 0, 1e12) }),
    ...(nemesis === undefined ? {} : { nemesis }),
  };
}

/** Plans `spec` for `seed`, turning load and setup errors into usage errors (exit 2). */
export function planOrUsage(spec: RunSpec, seed?: number, fallbackSeed?: number): RunPlan {
  try {
    return planSpec(spec, seed, fallbackSeed);
  } catch (error) {
    if (error instanceof LoadError) throw new UsageError(error.message);
    if (error instanceof RunSetupError) throw new UsageError(`${spec.target}: ${error.message}`);
    throw error;
  }
}

/** The one positional argument (a scenario or file), or a usage error. */
export function onePositional(positionals: string[], command: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? `expected a scenario name or file; cohort ${command} --help`
        : `expected one scenario, got ${positionals.length}: ${positionals.join(" ")}`,
    );
  }
  return positionals[0] as string;
}

/** A scenario file holding `plan`'s whole schedule and settings, so `cohort sim FILE` replays it. */
export function scheduleFile(plan: RunPlan, description: string): string {
  const s = plan.settings;
  const file = {
    scenario: plan.scenario.name,
    description,
    seed: plan.seed,
    nodes: s.nodes,
    durationMs: s.durationMs,
    ...(s.network === undefined ? {} : { network: s.network }),
    ...(s.receiveBufferCapacity === undefined
      ? {}
      : { receiveBufferCapacity: s.receiveBufferCapacity }),
    nemesis: "none",
    faults: plan.schedule,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function listScenarios(): string {
  const width = Math.max(...SCENARIOS.map((s) => s.name.length));
  return SCENARIOS.map(
    (s) =>
      `${s.name.padEnd(width)}  ${s.summary} (${s.defaults.nodes} nodes, ${s.defaults.durationMs} ms)`,
  ).join("\n");
}

function writeOrUsage(path: string, text: string, flag: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new UsageError(`--${flag}: cannot write ${path}: ${(error as Error).message}`);
  }
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (values.list) {
    process.stdout.write(`${listScenarios()}\n`);
    return EXIT.ok;
  }
  const spec = specFromFlags(onePositional(positionals, "sim"), values);
  const plan = planOrUsage(spec, undefined, randomInt(0, 2 ** 32));
  const json = values.json === true;
  if (!json)
    process.stdout.write(`${formatSettings(plan.scenario.name, plan.seed, plan.settings)}\n`);
  const saveTo = values["save-schedule"];
  if (saveTo !== undefined)
    writeOrUsage(
      saveTo,
      scheduleFile(
        plan,
        `schedule of ${plan.settings.file ?? plan.scenario.name} seed ${plan.seed}`,
      ),
      "save-schedule",
    );
  if (values["check-determinism"]) return determinism(plan, json);
  const outcome = executePlan(plan, { keepTrace: values.trace !== undefined });
  if (values.trace !== undefined) writeOrUsage(values.trace, outcome.traceJsonl ?? "", "trace");
  const { summary } = outcome;
  process.stdout.write(json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
  return summary.violations.length === 0 ? EXIT.ok : EXIT.failed;
}

function determinism(plan: RunPlan, json: boolean): number {
  const report = checkDeterminism(plan);
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ deterministic: report.same, traceHashes: [report.first.traceHash, report.second.traceHash], ...(report.difference === undefined ? {} : { difference: report.difference }), summary: report.first })}\n`,
    );
  } else if (report.same) {
    process.stdout.write(`deterministic: two runs gave traceHash ${report.first.traceHash}\n`);
  } else {
    process.stdout.write(
      `NOT deterministic:\n${report.difference}\nreplay: ${report.first.replay} --check-determinism\n`,
    );
  }
  return report.same ? EXIT.ok : EXIT.failed;
}

/** `cohort sim`: run one scenario and check it. */
export const simCommand: Command = {
  name: "sim",
  summary: "run a scenario in the deterministic simulator and check it",
  help: HELP,
  run,
};
