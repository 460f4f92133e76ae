import { writeFileSync } from "node:fs";
import type { RunSpec } from "../scenarios/load.js";
import { isFileTarget, LoadError, loadTarget } from "../scenarios/load.js";
import { describeFault } from "../sim/schedule.js";
import { explicitPlan, shrinkPlan } from "../sim/shrink.js";
import { formatSettings } from "../sim/summary.js";
import type { Command } from "./command.js";
import { EXIT, intFlag, parseFlags, UsageError } from "./command.js";
import { onePositional, planOrUsage, scheduleFile, specFromFlags } from "./sim.js";

const HELP = `cohort shrink <scenario | file.json> --seed N [options]

Takes a failing seed, takes its fault schedule and minimises it with delta
debugging (ddmin over the injected faults), then heals the remaining faults
earlier, ends the run sooner and tries smaller clusters while it still fails
the same way (the same first violation, with times and node ids blurred).
Writes the result as a scenario file that \`cohort sim FILE\` reproduces.
Exit 0 when a smaller failing schedule was written, 1 when the seed does not
fail, 2 on bad usage.

Options:
  --seed N          the failing seed (required unless the file names one)
  --nodes N, --duration MS, --nemesis LIST, --rate R
                    the settings of the failing run, as given to cohort sim
  --out FILE        where to write the shrunk scenario (default: shrunk-<scenario>-<seed>.json)
  --runs N          most simulator runs to spend (default 2000)
  --json            print one JSON object: original and shrunk fault counts, runs, file, schedule
  -h, --help        this help

Example:
  cohort shrink pingpong-fragile --seed 0 --out /tmp/shrunk.json && cohort sim /tmp/shrunk.json`;

const FLAGS = {
  seed: { type: "string" },
  nodes: { type: "string" },
  duration: { type: "string" },
  nemesis: { type: "string" },
  rate: { type: "string" },
  out: { type: "string" },
  runs: { type: "string" },
  json: { type: "boolean" },
} as const;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  const target = onePositional(positionals, "shrink");
  const spec = specFromFlags(target, values);
  const runsMax = intFlag("runs", values.runs, 2000, 2, 1_000_000);
  if (spec.seed === undefined && fileSeed(spec) === undefined) {
    throw new UsageError("--seed: required (the failing seed to shrink)");
  }
  const plan = planOrUsage(spec);
  const json = values.json === true;
  const say = (line: string) => {
    if (!json) process.stdout.write(`${line}\n`);
  };
  say(formatSettings(plan.scenario.name, plan.seed, plan.settings));
  say(`shrinking ${plan.schedule.length} faults …`);
  const live = !json && process.stderr.isTTY === true;
  const result = shrinkPlan(plan, {
    runsMax,
    ...(live ? { onStep: (note: string) => process.stderr.write(`\r\x1b[2K${note}`) } : {}),
  });
  if (live) process.stderr.write("\r\x1b[2K");
  if (result === undefined) {
    const message = `seed ${plan.seed} does not fail: nothing to shrink`;
    process.stdout.write(
      json ? `${JSON.stringify({ failed: false, seed: plan.seed })}\n` : `${message}\n`,
    );
    return EXIT.failed;
  }
  const out = values.out ?? `shrunk-${plan.scenario.name}-${plan.seed}.json`;
  const finalPlan = explicitPlan(
    { ...result.plan, settings: { ...result.plan.settings, file: out } },
    result.plan.schedule,
    result.plan.settings.durationMs,
  );
  const description = `shrunk from ${plan.settings.file ?? plan.scenario.name} seed ${plan.seed} (${plan.schedule.length} faults, ${plan.settings.durationMs} ms): ${result.signature}`;
  try {
    writeFileSync(out, scheduleFile(finalPlan, description));
  } catch (error) {
    throw new UsageError(`--out: cannot write ${out}: ${(error as Error).message}`);
  }
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ failed: true, seed: plan.seed, signature: result.signature, faultsBefore: plan.schedule.length, faultsAfter: finalPlan.schedule.length, nodesBefore: plan.settings.nodes, nodesAfter: finalPlan.settings.nodes, durationMsBefore: plan.settings.durationMs, durationMsAfter: finalPlan.settings.durationMs, runs: result.runs, exhausted: result.exhausted, file: out, faults: finalPlan.schedule, violations: result.summary.violations })}\n`,
    );
    return EXIT.ok;
  }
  say(`original: ${result.original.violations[0] ?? ""}`);
  say(
    `shrunk ${plan.schedule.length} faults to ${finalPlan.schedule.length}, ${plan.settings.nodes} nodes to ${finalPlan.settings.nodes}, ${plan.settings.durationMs} ms to ${finalPlan.settings.durationMs} ms, in ${result.runs} runs${result.exhausted ? " (run budget spent: may not be minimal)" : ""}:`,
  );
  for (const fault of finalPlan.schedule) say(`  ${describeFault(fault)}`);
  say(`still fails: ${result.summary.violations[0] ?? ""}`);
  say(`wrote ${out}`);
  say(`replay: cohort sim ${out} --seed ${plan.seed}`);
  return EXIT.ok;
}

/** The seed a scenario file names, when the target is a readable file that names one. */
function fileSeed(spec: RunSpec): number | undefined {
  if (!isFileTarget(spec.target)) return undefined;
  try {
    return loadTarget(spec).file?.seed;
  } catch (error) {
    if (error instanceof LoadError) throw new UsageError(error.message);
    throw error;
  }
}

/** `cohort shrink`: minimise a failing seed's fault schedule into a scenario file. */
export const shrinkCommand: Command = {
  name: "shrink",
  summary: "minimise a failing seed's fault schedule (delta debugging) into a scenario file",
  help: HELP,
  run,
};
