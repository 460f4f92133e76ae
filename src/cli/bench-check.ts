import {
  CHECK_BENCH_FULL,
  CHECK_BENCH_QUICK,
  formatCheckBench,
  runCheckBench,
} from "../check/bench/index.js";
import type { Benchmark } from "./bench.js";
import { EXIT, intFlag, parseFlags } from "./command.js";

/**
 * `cohort bench check`: the linearizability checker against Porcupine's
 * figures (issue 3). Exits 1 when a verdict is wrong or the stress run does
 * not end unknown within twice its timeout.
 */
export const checkBenchmark: Benchmark = {
  name: "check",
  summary:
    "linearizability checker vs Porcupine: 52 etcd logs, c10 kv whole and by key, 100,000 ops / 1,000 keys",
  async run(argv) {
    const { values } = parseFlags(
      argv,
      { json: { type: "boolean" }, quick: { type: "boolean" }, samples: { type: "string" } },
      false,
    );
    const base = values.quick === true ? CHECK_BENCH_QUICK : CHECK_BENCH_FULL;
    const samples = intFlag("samples", values.samples, base.samples, 1, 100);
    const result = await runCheckBench({ ...base, samples });
    process.stdout.write(
      values.json === true ? `${JSON.stringify(result)}\n` : `${formatCheckBench(result)}\n`,
    );
    const stressHonoured =
      result.stress.verdict === "unknown" && result.stress.ms < 2 * result.stress.timeoutMs;
    return result.wrong.length === 0 && stressHonoured ? EXIT.ok : EXIT.failed;
  },
};
