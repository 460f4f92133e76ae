import { runDetectorsBench } from "../bench/detectors.js";
import { electionBenchmark } from "../bench/election.js";
import { runGossipBench } from "../bench/gossip.js";
import {
  formatSimBench,
  runSimBench,
  SIM_BENCH_FULL,
  SIM_BENCH_QUICK,
} from "../sim/bench/index.js";
import { checkBenchmark } from "./bench-check.js";
import { netBenchmark } from "./bench-net.js";
import { raftBenchmark } from "./bench-raft.js";
import { type Command, EXIT, intFlag, parseFlags, UsageError } from "./command.js";

/** One named benchmark of `cohort bench NAME`. */
export interface Benchmark {
  readonly name: string;
  /** One line for `cohort bench --help`. */
  readonly summary: string;
  /** Runs with the arguments after the benchmark's name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

const simBenchmark: Benchmark = {
  name: "sim",
  summary:
    "simulator: delivered messages/s vs a bare event loop (ping-pong, 100 nodes); bytes per node and per in-flight message",
  async run(argv) {
    const { values } = parseFlags(
      argv,
      { json: { type: "boolean" }, quick: { type: "boolean" }, samples: { type: "string" } },
      false,
    );
    const base = values.quick === true ? SIM_BENCH_QUICK : SIM_BENCH_FULL;
    const samples = intFlag("samples", values.samples, base.samples, 1, 100);
    const result = runSimBench({ ...base, samples });
    process.stdout.write(
      values.json === true ? `${JSON.stringify(result)}\n` : `${formatSimBench(result)}\n`,
    );
    return EXIT.ok;
  },
};

/** Every benchmark, by name; add one entry per benchmark. */
export const BENCHMARKS: readonly Benchmark[] = [
  simBenchmark,
  netBenchmark,
  checkBenchmark,
  raftBenchmark,
  electionBenchmark,
  {
    name: "gossip",
    summary:
      "Demers et al. 1987 Tables 1-3 (n = 1000, many seeds) beside the paper; scale to 10^5; anti-entropy SVG",
    run: runGossipBench,
  },
  {
    name: "detectors",
    summary:
      "failure detectors' QoS (T_D, mistakes, load) per detector and condition; SWIM's first detection vs e/(e-1)",
    run: runDetectorsBench,
  },
];

const HELP = `Usage: cohort bench <name> [options]

Runs one benchmark and prints its figures (medians of several samples; ratios
measured side by side in the same run). bench/RESULTS.md records the latest.

Benchmarks:
${BENCHMARKS.map((b) => `  ${b.name.padEnd(10)} ${b.summary}`).join("\n")}

Options of raft: cohort bench raft --usage

Options (sim):
  --json         print one JSON object: deliveredPerSec, bareDeliveredPerSec, ratioToBare,
                 bytesPerNode, bytesPerInFlightMessage, clusterBytes, samples, settings, targets
  --samples N    throughput samples (default 5)
  --quick        a tiny run that only proves the benchmark works
`;

/** `cohort bench NAME [options]`: runs a named benchmark. */
export const benchCommand: Command = {
  name: "bench",
  summary: "run a benchmark (cohort bench sim [--json])",
  help: HELP,
  async run(argv) {
    const [name, ...rest] = argv;
    if (name === undefined) {
      throw new UsageError(
        `expected a benchmark name: ${BENCHMARKS.map((b) => b.name).join(", ")}`,
      );
    }
    const benchmark = BENCHMARKS.find((b) => b.name === name);
    if (benchmark === undefined) {
      throw new UsageError(
        `unknown benchmark ${JSON.stringify(name)}; expected one of ${BENCHMARKS.map((b) => b.name).join(", ")}`,
      );
    }
    return benchmark.run(rest);
  },
};
