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

/**
 * Runs both sides in alternating chunks of virtual time for `seconds` of wall
 * time each (after a warm-up of a fifth of that), and returns each side's
 * deliveries per wall-clock second spent in it.
 */
function interleaved(sides: readonly [Side, Side], seconds: number): [number, number] {
  const virtualMs = [0, 0];
  const spentMs = [0, 0];
  const counted = [0, 0];
  const warmUntil = performance.now() + seconds * 200;
  while (performance.now() < warmUntil) {
    for (let i = 0; i < 2; i++) {
      virtualMs[i]! += CHUNK_MS;
      sides[i]!.advance(virtualMs[i]!);
    }
  }
  const before = sides.map((s) => s.delivered());
  while (spentMs[0]! < seconds * 1000 || spentMs[1]! < seconds * 1000) {
    for (let i = 0; i < 2; i++) {
      const start = performance.now();
      virtualMs[i]! += CHUNK_MS;
      sides[i]!.advance(virtualMs[i]!);
      spentMs[i]! += performance.now() - start;
    }
  }
  for (let i = 0; i < 2; i++) counted[i] = sides[i]!.delivered() - before[i]!;
  return [(counted[0]! * 1000) / spentMs[0]!, (counted[1]! * 1000) / spentMs[1]!];
}

/** Delivered messages per second of the full simulator alone (default network, every message validated, trace hashed). */
export function measureSimulator(o: ThroughputOptions): number {
  const side = simulatorSide(o);
  return interleaved([side, side], o.secondsPerSample / 2)[0];
}

/** Delivered messages per second of the bare loop alone on the same workload. */
export function measureBareLoop(o: ThroughputOptions): number {
  const side = bareSide(o);
  return interleaved([side, side], o.secondsPerSample / 2)[0];
}

/** `samples` measurements of both sides, each run in alternating chunks so both see the same load. */
export function measureThroughput(o: ThroughputOptions, samples: number): ThroughputSample[] {
  const out: ThroughputSample[] = [];
  for (let i = 0; i < samples; i++) {
    const seeded = { ...o, seed: o.seed + i };
    const [simDeliveredPerSec, bareDeliveredPerSec] = interleaved(
      [simulatorSide(seeded), bareSide(seeded)],
      o.secondsPerSample,
    );
    out.push({ simDeliveredPerSec, bareDeliveredPerSec });
  }
  return out;
}
