import { availableParallelism } from "node:os";
import cliProgress from "cli-progress";
import { violationSignature } from "../sim/shrink.js";
import { formatSettings } from "../sim/summary.js";
import { distUrl, runSweep, type SweepReport } from "../sim/sweep.js";
import type { SweepSeedResult } from "../sim/sweep-protocol.js";
import type { Command } from "./command.js";
import { EXIT, intFlag, parseFlags, UsageError } from "./command.js";
import { onePositional, planOrUsage, specFromFlags } from "./sim.js";

const HELP = `cohort sweep <scenario | file.json> --seeds A..B [options]

Runs a scenario over a range of seeds on worker threads (every core by
default) and lists the failing seeds, each with the command that replays it.
Exit 0 when every seed passed, 1 when any failed, 2 on bad usage.

Options:
  --seeds A..B      the seeds to run, both included (or one seed N)
  --nodes N, --duration MS, --nemesis LIST, --rate R
                    run settings, as for cohort sim
  --workers N       worker threads (default: ${availableParallelism()}, the number of cores)
  --json            print one JSON object with every failing seed
  -h, --help        this help

Example:
  cohort sweep pingpong-fragile --seeds 0..99 --nemesis loss,delay,pause`;

const FLAGS = {
  seeds: { type: "string" },
  nodes: { type: "string" },
  duration: { type: "string" },
  nemesis: { type: "string" },
  rate: { type: "string" },
  workers: { type: "string" },
  json: { type: "boolean" },
} as const;

const SEED_MAX = 4294967295;
const LISTED_MAX = 20;

/** Parses `A..B` (or `N`) into an inclusive seed range. */
export function parseSeedRange(text: string | undefined): { from: number; to: number } {
  if (text === undefined) throw new UsageError("--seeds: required, e.g. --seeds 0..99");
  const match = /^(\d+)(?:\.\.(\d+))?$/.exec(text.trim());
  if (match === null)
    throw new UsageError(`--seeds: expected A..B (e.g. 0..99), got ${JSON.stringify(text)}`);
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (to > SEED_MAX) throw new UsageError(`--seeds: seeds go up to ${SEED_MAX}, got ${to}`);
  if (to < from) throw new UsageError(`--seeds: expected A <= B, got ${from}..${to}`);
  if (to - from + 1 > 100_000_000)
    throw new UsageError(`--seeds: at most 100000000 seeds, got ${to - from + 1}`);
  return { from, to };
}

function progressReporter(
  total: number,
  json: boolean,
): {
  onResult: (r: SweepSeedResult, done: number) => void;
  stop: () => void;
} {
  if (json) return { onResult: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: "{bar} {value}/{total} seeds | {failed} failed | {eta_formatted} left",
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    let failed = 0;
    bar.start(total, 0, { failed });
    return {
      onResult: (r, done) => {
        if (!r.passed) failed += 1;
        bar.update(done, { failed });
      },
      stop: () => bar.stop(),
    };
  }
  let failed = 0;
  let lastTenth = 0;
  return {
    onResult: (r, done) => {
      if (!r.passed) failed += 1;
      const tenth = Math.floor((done * 10) / total);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        process.stdout.write(`progress: ${done}/${total} seeds, ${failed} failed\n`);
      }
    },
    stop: () => {},
  };
}

function formatReport(
  name: string,
  range: { from: number; to: number },
  report: SweepReport,
): string {
  const seconds = report.wallMs / 1000;
  const lines = [
    `sweep ${name} seeds ${range.from}..${range.to}: ${report.runs} runs, ${report.passed} passed, ${report.failed.length} failed${report.errors.length > 0 ? `, ${report.errors.length} errors` : ""} in ${seconds.toFixed(1)} s (${Math.round(report.runs / Math.max(seconds, 0.001))} seeds/s on ${report.workers} worker${report.workers === 1 ? "" : "s"})`,
  ];
  for (const r of report.failed.slice(0, LISTED_MAX)) {
    lines.push(`FAILED seed ${r.seed}: ${r.violations[0] ?? ""}`, `  replay: ${r.replay}`);
  }
  if (report.failed.length > LISTED_MAX)
    lines.push(`… ${report.failed.length - LISTED_MAX} more failing seeds (--json lists them all)`);
  for (const r of report.errors.slice(0, LISTED_MAX))
    lines.push(`ERROR seed ${r.seed}: ${r.error ?? ""}`);
  const kinds = failureKinds(report.failed);
  if (kinds.length > 0) {
    lines.push("failures by kind (first violation, numbers blurred):");
    for (const k of kinds)
      lines.push(
        `  ${String(k.seeds.length).padStart(6)}  ${k.signature}  (e.g. seed ${k.seeds[0]})`,
      );
  }
  return lines.join("\n");
}

/** Failing seeds grouped by their first violation's signature, most common first. */
export function failureKinds(
  failed: readonly SweepSeedResult[],
): { signature: string; seeds: number[] }[] {
  const bySignature = new Map<string, number[]>();
  for (const r of failed) {
    const signature = violationSignature(r.violations[0] ?? "");
    const seeds = bySignature.get(signature) ?? [];
    seeds.push(r.seed);
    bySignature.set(signature, seeds);
  }
  return [...bySignature.entries()]
    .map(([signature, seeds]) => ({ signature, seeds }))
    .sort((a, b) => b.seeds.length - a.seeds.length || (a.seeds[0] ?? 0) - (b.seeds[0] ?? 0));
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  const target = onePositional(positionals, "sweep");
  const range = parseSeedRange(values.seeds);
  const workers = intFlag("workers", values.workers, availableParallelism(), 1, 256);
  const spec = specFromFlags(target, values);
  // Plan the first seed here, so bad settings fail fast with exit 2 instead of in every worker.
  const first = planOrUsage(spec, range.from);
  const json = values.json === true;
  if (!json)
    process.stdout.write(
      `${formatSettings(first.scenario.name, range.from, first.settings).replace(/^SEED=\d+/, `SEEDS=${range.from}..${range.to}`)}\n`,
    );
  const total = range.to - range.from + 1;
  const progress = progressReporter(total, json);
  let report: SweepReport;
  try {
    report = await runSweep({
      resolverUrl: distUrl("scenarios/load.js"),
      spec,
      seedFrom: range.from,
      seedTo: range.to,
      workers,
      onResult: progress.onResult,
    });
  } finally {
    progress.stop();
  }
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ scenario: first.scenario.name, seeds: range, settings: first.settings, runs: report.runs, passed: report.passed, failed: report.failed, failureKinds: failureKinds(report.failed).map((k) => ({ signature: k.signature, count: k.seeds.length, firstSeed: k.seeds[0] })), errors: report.errors, workers: report.workers, wallMs: report.wallMs })}\n`,
    );
  } else {
    process.stdout.write(`${formatReport(first.scenario.name, range, report)}\n`);
  }
  return report.failed.length === 0 && report.errors.length === 0 ? EXIT.ok : EXIT.failed;
}

/** `cohort sweep`: run a scenario over a seed range on every core and list failing seeds. */
export const sweepCommand: Command = {
  name: "sweep",
  summary: "run a scenario over a seed range on worker threads and list failing seeds",
  help: HELP,
  run,
};
