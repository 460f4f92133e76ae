import { PingPongNode, validatePing } from "../pingpong.js";
import { Simulation } from "../simulation.js";
import { BareLoop } from "./bare-loop.js";

/** One side-by-side throughput measurement. */
export interface ThroughputSample {
  /** Per second of CPU time (user + system) spent in the simulator: its speed on one core. */
  readonly simDeliveredPerSec: number;
  /** Per second of CPU time spent in the bare loop. */
  readonly bareDeliveredPerSec: number;
  /** Per second of wall-clock time (lower than the CPU figure when other processes share the cores). */
  readonly simDeliveredPerWallSec: number;
  readonly bareDeliveredPerWallSec: number;
}

/** Settings of the throughput benchmark. */
export interface ThroughputOptions {
  readonly nodeCount: number;
  readonly pingsInFlight: number;
  /** Wall-clock seconds each side runs per sample. */
  readonly secondsPerSample: number;
  readonly seed: number;
}

/** Virtual ms advanced per chunk; chunks of the two sides alternate, so both see the same machine load. */
const CHUNK_MS = 20;

/** A side of the comparison: advances to a virtual time, counts deliveries. */
interface Side {
  advance(untilMs: number): void;
  delivered(): number;
}

function simulatorSide(o: ThroughputOptions): Side {
  const sim = new Simulation({
    seed: o.seed,
    nodeCount: o.nodeCount,
    create: () => new PingPongNode(o.pingsInFlight),
    validate: validatePing,
  });
  return { advance: (t) => sim.run(t), delivered: () => sim.counters().delivered };
}

function bareSide(o: ThroughputOptions): Side {
  const loop = new BareLoop(o.nodeCount, o.pingsInFlight, o.seed);
  return { advance: (t) => loop.run(t), delivered: () => loop.delivered };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Deliveries per CPU second and per wall second of each side. */
interface Rates {
  readonly perCpuSec: [number, number];
  readonly perWallSec: [number, number];
}

/**
 * Runs both sides in alternating chunks of virtual time until each has spent
 * `seconds` of CPU time (after a warm-up of a fifth of that), timing every chunk
 * by CPU time and by wall-clock time. Alternating chunks of about a
 * millisecond means both sides see the same machine load.
 */
function interleaved(sides: readonly [Side, Side], seconds: number): Rates {
  const virtualMs = [0, 0];
  const cpuSpent = [0, 0];
  const wallSpent = [0, 0];
  const warmUntil = performance.now() + seconds * 200;
  while (performance.now() < warmUntil) {
    for (let i = 0; i < 2; i++) {
      virtualMs[i]! += CHUNK_MS;
      sides[i]!.advance(virtualMs[i]!);
    }
  }
  const before = sides.map((s) => s.delivered());
  while (cpuSpent[0]! < seconds * 1000 || cpuSpent[1]! < seconds * 1000) {
    for (let i = 0; i < 2; i++) {
      const wallStart = performance.now();
      const cpuStart = cpuMs();
      virtualMs[i]! += CHUNK_MS;
      sides[i]!.advance(virtualMs[i]!);
      cpuSpent[i]! += cpuMs() - cpuStart;
      wallSpent[i]! += performance.now() - wallStart;
    }
  }
  const counted = [sides[0].delivered() - before[0]!, sides[1].delivered() - before[1]!];
  const rate = (spent: number[], i: number) => (counted[i]! * 1000) / spent[i]!;
  return {
    perCpuSec: [rate(cpuSpent, 0), rate(cpuSpent, 1)],
    perWallSec: [rate(wallSpent, 0), rate(wallSpent, 1)],
  };
}

/** Delivered messages per CPU second of the full simulator alone (default network, every message validated, trace hashed). */
export function measureSimulator(o: ThroughputOptions): number {
  const side = simulatorSide(o);
  return interleaved([side, side], o.secondsPerSample / 2).perCpuSec[0];
}

/** Delivered messages per CPU second of the bare loop alone on the same workload. */
export function measureBareLoop(o: ThroughputOptions): number {
  const side = bareSide(o);
  return interleaved([side, side], o.secondsPerSample / 2).perCpuSec[0];
}

/** `samples` measurements of both sides, each run in alternating chunks so both see the same load. */
export function measureThroughput(o: ThroughputOptions, samples: number): ThroughputSample[] {
  const out: ThroughputSample[] = [];
  for (let i = 0; i < samples; i++) {
    const seeded = { ...o, seed: o.seed + i };
    const rates = interleaved([simulatorSide(seeded), bareSide(seeded)], o.secondsPerSample);
    out.push({
      simDeliveredPerSec: rates.perCpuSec[0],
      bareDeliveredPerSec: rates.perCpuSec[1],
      simDeliveredPerWallSec: rates.perWallSec[0],
      bareDeliveredPerWallSec: rates.perWallSec[1],
    });
  }
  return out;
}
