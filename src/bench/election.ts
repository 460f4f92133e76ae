import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Benchmark } from "../cli/bench.js";
import { EXIT, intFlag, parseFlags, UsageError } from "../cli/command.js";
import {
  ELECTION_ALGORITHMS,
  ELECTION_FAULTS,
  ELECTION_TIMING,
  type ElectionFault,
  type ElectionSample,
  leaderAt,
  measureElection,
} from "./election-measure.js";
import { electionMessagesSvg } from "./election-svg.js";
import { electionRows, formatElectionTable } from "./election-table.js";

/** The sizes `cohort bench election` runs without `--n`. */
export const ELECTION_SIZES = [4, 16, 64, 256] as const;

/** The name of the plot `--svg DIR` writes. */
export const ELECTION_SVG_NAME = "election-messages-vs-n.svg";

const FIELDS =
  "algorithm, scenario, n, seeds, messages, convergeMs, converged, splitBrainIntervals, splitBrainMs, notAgreedBefore";

/** `cohort bench election --help`. */
export const ELECTION_HELP = `Usage: cohort bench election [--usage] [--n 4,16,64,256] [--seeds N] [--algorithms a,b] [--scenarios crash,halves,isolate] [--json] [--svg DIR]

The five leader elections in the simulator (1% message loss, no nemesis), at
each size over seeds 1..N (default 3): the agreed leader at ${ELECTION_TIMING.faultAtMs} ms crashes
(crash), or the ids are cut into halves (halves), or the leader is cut off
(isolate), for ${ELECTION_TIMING.partitionMs} ms. Per row the medians over the seeds of election messages
(all but heartbeats) and time from the crash or the heal until every live node
agrees on one live leader for good, and of split-brain intervals and time
after the fault.

  --n LIST           sizes (default ${ELECTION_SIZES.join(",")}; 2..1024)
  --seeds N          seeds per row (default 3)
  --algorithms LIST  ${ELECTION_ALGORITHMS.map((a) => a.name).join(",")} (default all)
  --scenarios LIST   ${ELECTION_FAULTS.join(",")} (default all)
  --json             one JSON object {rows:[...]}; row fields: ${FIELDS}
  --svg DIR          write DIR/${ELECTION_SVG_NAME}: messages per election against n, log-log
  --quick            n = 4,8, one seed: proves the bench works
`;

function list<T extends string>(value: string | undefined, all: readonly T[], what: string): T[] {
  if (value === undefined) return [...all];
  const names = value.split(",").map((s) => s.trim());
  for (const name of names) {
    if (!(all as readonly string[]).includes(name)) {
      throw new UsageError(
        `--${what}: unknown ${JSON.stringify(name)}; expected one of ${all.join(", ")}`,
      );
    }
  }
  return names as T[];
}

/** Runs every requested algorithm × fault × size × seed; one probe run per algorithm, size and seed finds the leader. */
export function runElectionSamples(
  algorithms: readonly string[],
  faults: readonly ElectionFault[],
  sizes: readonly number[],
  seeds: number,
  progress: (line: string) => void = () => {},
): ElectionSample[] {
  const samples: ElectionSample[] = [];
  for (const n of sizes) {
    for (const algorithm of ELECTION_ALGORITHMS.filter((a) => algorithms.includes(a.name))) {
      for (let seed = 1; seed <= seeds; seed++) {
        const leader = leaderAt(algorithm.scenario, n, seed, ELECTION_TIMING.faultAtMs);
        for (const fault of faults) {
          samples.push(measureElection(algorithm, fault, n, seed, leader));
        }
        progress(`${algorithm.name} n=${n} seed=${seed}`);
      }
    }
  }
  return samples;
}

/**
 * `cohort bench election`: the cost of a leader crash and of a partition for
 * every election algorithm at every size, medians over seeds; a markdown
 * table, or `--json` rows, and with `--svg DIR` the messages-against-n plot.
 */
export async function runElectionBench(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      n: { type: "string" },
      seeds: { type: "string" },
      algorithms: { type: "string" },
      scenarios: { type: "string" },
      json: { type: "boolean" },
      svg: { type: "string" },
      quick: { type: "boolean" },
      usage: { type: "boolean" },
    },
    false,
  );
  // `cohort bench --help` shows the dispatcher's help; `--usage` shows this benchmark's options.
  if (values.help === true || values.usage === true) {
    process.stdout.write(ELECTION_HELP);
    return EXIT.ok;
  }
  const quick = values.quick === true;
  const seeds = intFlag("seeds", values.seeds, quick ? 1 : 3, 1, 1000);
  const sizes = (values.n ?? (quick ? "4,8" : ELECTION_SIZES.join(",")))
    .split(",")
    .map((s) => intFlag("n", s.trim(), 4, 2, 1024));
  const algorithms = list(
    values.algorithms,
    ELECTION_ALGORITHMS.map((a) => a.name),
    "algorithms",
  );
  const faults = list(values.scenarios, ELECTION_FAULTS, "scenarios");
  const svgDir = values.svg === undefined ? undefined : resolve(values.svg);
  // Made before the runs, so a bad folder is reported at once rather than after them.
  if (svgDir !== undefined) makeDir(svgDir);
  const started = performance.now();
  const samples = runElectionSamples(algorithms, faults, sizes, seeds, (line) =>
    process.stderr.write(`cohort bench election: ${line}\n`),
  );
  const rows = electionRows(samples);
  if (svgDir !== undefined) {
    const svg = electionMessagesSvg(rows);
    if (svg === undefined) {
      process.stderr.write(
        "cohort bench election: --svg: no plot, since no algorithm's crash ran at two or more sizes (give --n 4,16,... and the crash scenario)\n",
      );
    } else {
      const path = join(svgDir, ELECTION_SVG_NAME);
      try {
        writeFileSync(path, svg);
      } catch (error) {
        throw new UsageError(`--svg: cannot write ${path}: ${(error as Error).message}`);
      }
      process.stderr.write(`cohort bench election: wrote ${path}\n`);
    }
  }
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify({ rows })}\n`);
    return EXIT.ok;
  }
  const wallS = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `cohort bench election: seeds 1..${seeds} per row, medians; fault at ${ELECTION_TIMING.faultAtMs} ms, partitions healed after ${ELECTION_TIMING.partitionMs} ms; messages and converge counted from the crash or the heal, split brain from the fault; ${wallS} s wall\n\n${formatElectionTable(rows)}\n`,
  );
  return EXIT.ok;
}

function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`--svg: cannot make the folder ${dir}: ${(error as Error).message}`);
  }
}

/** `cohort bench election` as an entry of the bench dispatcher. */
export const electionBenchmark: Benchmark = {
  name: "election",
  summary:
    "leader elections: messages and time to agree after a leader crash, split brain under partitions, n = 4..256 (--usage)",
  run: runElectionBench,
};
