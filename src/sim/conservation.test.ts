import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type PingMsg, PingPongNode, validatePing } from "./pingpong.js";
import { Simulation } from "./simulation.js";
import type { FaultSpec } from "./types.js";

const NODES = 6;
const node = fc.integer({ min: 0, max: NODES - 1 });
const nodes = fc.uniqueArray(node, { minLength: 1, maxLength: NODES });
const duration = fc.integer({ min: 1, max: 80 });
const probability = fc.double({ min: 0, max: 1, noNaN: true });

/** Any fault of any verb, with small durations so they overlap and heal inside a run. */
const fault: fc.Arbitrary<FaultSpec> = fc.oneof(
  fc.record({ verb: fc.constant("crash" as const), node, durationMs: duration }),
  fc.record({ verb: fc.constant("failstop" as const), node, durationMs: duration }),
  fc.record({ verb: fc.constant("loss" as const), probability, nodes, durationMs: duration }),
  fc.record({
    verb: fc.constant("buffer" as const),
    capacity: fc.integer({ min: 0, max: 4 }),
    nodes,
    durationMs: duration,
  }),
  fc.record({
    verb: fc.constant("link" as const),
    from: node,
    to: node,
    twoWay: fc.boolean(),
    durationMs: duration,
  }),
  fc.record({
    verb: fc.constant("partition" as const),
    groups: fc.array(nodes, { minLength: 1, maxLength: 3 }),
    durationMs: duration,
  }),
  fc.record({
    verb: fc.constant("delay" as const),
    extraLatencyMs: fc.integer({ min: 0, max: 50 }),
    nodes,
    durationMs: duration,
  }),
  fc.record({ verb: fc.constant("pause" as const), node, durationMs: duration }),
  fc.record({
    verb: fc.constant("clock" as const),
    node,
    skewMs: fc.integer({ min: -100, max: 100 }),
    driftPpm: fc.integer({ min: -500_000, max: 500_000 }),
    durationMs: duration,
  }),
  fc.record({ verb: fc.constant("corrupt" as const), probability, nodes, durationMs: duration }),
  fc.record({ verb: fc.constant("duplicate" as const), probability, nodes, durationMs: duration }),
  fc.record({ verb: fc.constant("replay" as const), probability, nodes, durationMs: duration }),
  fc.record({
    verb: fc.constant("disk" as const),
    node,
    mode: fc.constantFrom("corrupt" as const, "torn" as const),
  }),
  fc.record({
    verb: fc.constant("restart" as const),
    node,
    downMs: fc.integer({ min: 0, max: 30 }),
    tear: fc.boolean(),
  }),
);
const schedule = fc.array(fc.tuple(fc.integer({ min: 0, max: 150 }), fault), { maxLength: 12 });

function run(seed: number, faults: readonly [number, FaultSpec][]): Simulation<PingMsg> {
  const sim = new Simulation<PingMsg>({
    seed,
    nodeCount: NODES,
    create: () => new PingPongNode(3),
    validate: validatePing,
  });
  for (const [at, spec] of faults) sim.schedule(at, spec);
  sim.run(200);
  return sim;
}

describe("under any mix of faults", () => {
  it("property: every message is delivered, dropped with one reason, or in flight; and the run replays", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), schedule, (seed, faults) => {
        const sim = run(seed, faults);
        expect(sim.violation()).toBeUndefined();
        const c = sim.counters();
        const dropped = Object.values(c.dropped).reduce((a, b) => a + b, 0);
        expect(sim.inFlight).toBeGreaterThanOrEqual(0);
        expect(c.sent + c.duplicated + c.replayed).toBe(c.delivered + dropped + sim.inFlight);
        expect(sim.faults().length).toBe(faults.length);
        expect(run(seed, faults).traceHash()).toBe(sim.traceHash());
      }),
      { numRuns: 60 },
    );
  });
});
