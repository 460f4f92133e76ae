export { BareLoop } from "./bare-loop.js";
export type { MemorySample } from "./memory.js";
export { measureMemory } from "./memory.js";
export type { SimBenchOptions, SimBenchResult } from "./sim-bench.js";
export { formatSimBench, runSimBench, SIM_BENCH_FULL, SIM_BENCH_QUICK } from "./sim-bench.js";
export type { ThroughputOptions, ThroughputSample } from "./throughput.js";
export { measureBareLoop, measureSimulator, measureThroughput } from "./throughput.js";
