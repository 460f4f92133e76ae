import { measureMemory } from "./memory.js";
import { measureThroughput } from "./throughput.js";

/** Settings of `cohort bench sim`. */
export interface SimBenchOptions {
  /** Alternating throughput samples (simulator, then bare loop). */
  readonly samples: number;
  /** Wall-clock seconds per side per sample. */
  readonly secondsPerSample: number;
  /** Nodes of the ping-pong cluster. */
  readonly nodeCount: number;
  /** Pings each node keeps in flight. */
  readonly pingsInFlight: number;
  /** Nodes of the idle cluster whose memory is measured. */
  readonly memoryNodeCount: number;
  /** Messages in flight whose memory is measured. */
  readonly memoryInFlight: number;
}

/** The full benchmark: 5 samples of 1 s per side, 100 nodes; memory at 100,000 nodes and 1,000,000 messages. */
export const SIM_BENCH_FULL: SimBenchOptions = {
  samples: 5,
  secondsPerSample: 1,
  nodeCount: 100,
  pingsInFlight: 4,
  memoryNodeCount: 100_000,
  memoryInFlight: 1_000_000,
};

/** A tiny run for tests: proves the benchmark works, says nothing about speed. */
export const SIM_BENCH_QUICK: SimBenchOptions = {
  samples: 1,
  secondsPerSample: 0.05,
  nodeCount: 100,
  pingsInFlight: 4,
  memoryNodeCount: 20_000,
  memoryInFlight: 100_000,
};

/**
 * What `cohort bench sim --json` prints. Per-second figures are medians over the
 * samples, per second of CPU time (the speed on one core, whatever else shares
 * the machine); the `PerWallSec` figures are per wall-clock second.
 */
export interface SimBenchResult {
  readonly deliveredPerSec: number;
  readonly bareDeliveredPerSec: number;
  readonly deliveredPerWallSec: number;
  readonly bareDeliveredPerWallSec: number;
  /** Median of the per-sample ratios simulator / bare loop. */
  readonly ratioToBare: number;
  readonly bytesPerNode: number;
  readonly bytesPerInFlightMessage: number;
  /** Heap plus array buffers of the idle cluster of `memoryNodeCount` nodes. */
  readonly clusterBytes: number;
  readonly samples: readonly {
    deliveredPerSec: number;
    bareDeliveredPerSec: number;
    deliveredPerWallSec: number;
    bareDeliveredPerWallSec: number;
  }[];
  readonly settings: SimBenchOptions;
  /** Whether each target of issue 2 was met. */
  readonly targets: {
    readonly deliveredPerSecAtLeast2M: boolean;
    readonly ratioAtLeastOneThird: boolean;
    readonly bytesPerNodeUnder2KiB: boolean;
    readonly bytesPerInFlightMessageUnder200: boolean;
    readonly hundredThousandNodesUnder1GiB: boolean;
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs the simulator benchmark: throughput side by side with the bare loop, then memory. */
export function runSimBench(o: SimBenchOptions): SimBenchResult {
  const raw = measureThroughput(
    {
      nodeCount: o.nodeCount,
      pingsInFlight: o.pingsInFlight,
      secondsPerSample: o.secondsPerSample,
      seed: 1,
    },
    o.samples,
  );
  const samples = raw.map((s) => ({
    deliveredPerSec: Math.round(s.simDeliveredPerSec),
    bareDeliveredPerSec: Math.round(s.bareDeliveredPerSec),
    deliveredPerWallSec: Math.round(s.simDeliveredPerWallSec),
    bareDeliveredPerWallSec: Math.round(s.bareDeliveredPerWallSec),
  }));
  const memory = measureMemory(o.memoryNodeCount, o.memoryInFlight);
  const deliveredPerSec = median(samples.map((s) => s.deliveredPerSec));
  const ratioToBare = median(samples.map((s) => s.deliveredPerSec / s.bareDeliveredPerSec));
  const bytesPerNode = Math.round(memory.bytesPerNode);
  return {
    deliveredPerSec,
    bareDeliveredPerSec: median(samples.map((s) => s.bareDeliveredPerSec)),
    deliveredPerWallSec: median(samples.map((s) => s.deliveredPerWallSec)),
    bareDeliveredPerWallSec: median(samples.map((s) => s.bareDeliveredPerWallSec)),
    ratioToBare: Math.round(ratioToBare * 1000) / 1000,
    bytesPerNode,
    bytesPerInFlightMessage: Math.round(memory.bytesPerInFlightMessage),
    clusterBytes: memory.clusterBytes,
    samples,
    settings: o,
    targets: {
      deliveredPerSecAtLeast2M: deliveredPerSec >= 2_000_000,
      ratioAtLeastOneThird: ratioToBare >= 1 / 3,
      bytesPerNodeUnder2KiB: memory.bytesPerNode < 2048,
      bytesPerInFlightMessageUnder200: memory.bytesPerInFlightMessage < 200,
      hundredThousandNodesUnder1GiB: memory.bytesPerNode * 100_000 < 2 ** 30,
    },
  };
}

/** The human report of a result. */
export function formatSimBench(r: SimBenchResult): string {
  const mark = (ok: boolean) => (ok ? "ok" : "MISSED");
  const m = (x: number) => `${(x / 1e6).toFixed(2)}M/s`;
  return [
    `simulator benchmark: ping-pong over ${r.settings.nodeCount} nodes, ${r.settings.pingsInFlight} pings in flight per node, ${r.samples.length} sample(s) of ${r.settings.secondsPerSample}s per side`,
    `  delivered/s        ${m(r.deliveredPerSec)} per CPU second (target >= 2.00M/s: ${mark(r.targets.deliveredPerSecAtLeast2M)}); ${m(r.deliveredPerWallSec)} per wall second`,
    `  bare loop/s        ${m(r.bareDeliveredPerSec)} per CPU second; ${m(r.bareDeliveredPerWallSec)} per wall second`,
    `  ratio              ${r.ratioToBare.toFixed(3)}  (target >= 0.333, aim 0.5: ${mark(r.targets.ratioAtLeastOneThird)})`,
    `  bytes per node     ${r.bytesPerNode}  at ${r.settings.memoryNodeCount} idle nodes (target < 2048: ${mark(r.targets.bytesPerNodeUnder2KiB)})`,
    `  bytes per message  ${r.bytesPerInFlightMessage}  at ${r.settings.memoryInFlight} in flight (target < 200: ${mark(r.targets.bytesPerInFlightMessageUnder200)})`,
    `  cluster heap       ${(r.clusterBytes / 2 ** 20).toFixed(1)} MiB for ${r.settings.memoryNodeCount} nodes (100,000 nodes < 1 GiB: ${mark(r.targets.hundredThousandNodesUnder1GiB)})`,
    `  samples            ${r.samples.map((s) => `${m(s.deliveredPerSec)} vs ${m(s.bareDeliveredPerSec)}`).join(", ")}`,
  ].join("\n");
}
