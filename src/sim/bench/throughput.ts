import { PingPongNode, validatePing } from "../pingpong.js";
import { Simulation } from "../simulation.js";
import { BareLoop } from "./bare-loop.js";

/** One side-by-side throughput measurement. */
export interface ThroughputSample {
  readonly simDeliveredPerSec: number;
  readonly bareDeliveredPerSec: number;
}

/** Settings of the throughput benchmark. */
export interface ThroughputOptions {
  readonly nodeCount: number;
  readonly pingsInFlight: number;
  /** Wall-clock seconds each side runs per sample. */
  readonly secondsPerSample: number;
  readonly seed: number;
}

/** Virtual ms advanced per chunk between wall-clock checks. */
const CHUNK_MS = 50;

function timed(
  advance: (untilMs: number) => void,
  delivered: () => number,
  seconds: number,
): number {
  // Warm up, then measure for `seconds` of wall-clock time.
  let virtualMs = 0;
  const warmEnd = performance.now() + seconds * 200;
  while (performance.now() < warmEnd) {
    virtualMs += CHUNK_MS;
    advance(virtualMs);
  }
  const before = delivered();
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    virtualMs += CHUNK_MS;
    advance(virtualMs);
    now = performance.now();
  }
  return ((delivered() - before) * 1000) / (now - start);
}

/** Delivered messages per second of the full simulator (default network, every message validated, trace hashed). */
export function measureSimulator(o: ThroughputOptions): number {
  const sim = new Simulation({
    seed: o.seed,
    nodeCount: o.nodeCount,
    create: () => new PingPongNode(o.pingsInFlight),
    validate: validatePing,
  });
  return timed(
    (t) => sim.run(t),
    () => sim.counters().delivered,
    o.secondsPerSample,
  );
}

/** Delivered messages per second of the bare loop on the same workload. */
export function measureBareLoop(o: ThroughputOptions): number {
  const loop = new BareLoop(o.nodeCount, o.pingsInFlight, o.seed);
  return timed(
    (t) => loop.run(t),
    () => loop.delivered,
    o.secondsPerSample,
  );
}

/** `samples` alternating measurements of both sides. */
export function measureThroughput(o: ThroughputOptions, samples: number): ThroughputSample[] {
  const out: ThroughputSample[] = [];
  for (let i = 0; i < samples; i++) {
    const simDeliveredPerSec = measureSimulator({ ...o, seed: o.seed + i });
    const bareDeliveredPerSec = measureBareLoop({ ...o, seed: o.seed + i });
    out.push({ simDeliveredPerSec, bareDeliveredPerSec });
  }
  return out;
}
