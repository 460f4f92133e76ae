export type { BenchRow, CheckBenchOptions, CheckBenchResult } from "./check-bench.js";
export {
  CHECK_BENCH_FULL,
  CHECK_BENCH_QUICK,
  formatCheckBench,
  PORCUPINE_MS,
  runCheckBench,
} from "./check-bench.js";
