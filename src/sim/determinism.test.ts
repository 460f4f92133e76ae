import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type PingMsg, PingPongNode, validatePing } from "./pingpong.js";
import { probeCluster } from "./probe-cluster.js";
import { Simulation } from "./simulation.js";
import type { FaultSpec } from "./types.js";

/** Ping-pong over 8 nodes with a lognormal network and a fault of every message-touching kind. */
function faultyRun(seed: number, keepTrace = false): Simulation<PingMsg> {
  const sim = new Simulation<PingMsg>({
    seed,
    nodeCount: 8,
    create: () => new PingPongNode(2),
    validate: validatePing,
    network: {
      latency: { kind: "lognormal", medianMs: 3, sigma: 0.5 },
      jitterMs: 1,
      lossProbability: 0.01,
    },
    keepTrace,
  });
  const faults: [number, FaultSpec][] = [
    [
      20,
      {
        verb: "partition",
        groups: [
          [0, 1, 2],
          [3, 4, 5, 6, 7],
        ],
        durationMs: 30,
      },
    ],
    [40, { verb: "crash", node: 3, durationMs: 25 }],
    [50, { verb: "corrupt", probability: 0.2, durationMs: 20 }],
    [60, { verb: "duplicate", probability: 0.2, durationMs: 20 }],
    [70, { verb: "replay", probability: 0.2, durationMs: 20 }],
    [80, { verb: "pause", node: 5, durationMs: 15 }],
    [90, { verb: "restart", node: 6, tear: true, downMs: 5 }],
  ];
  for (const [at, spec] of faults) sim.schedule(at, spec);
  sim.run(200);
  return sim;
}

describe("determinism", () => {
  it("the same seed gives the same hash, counters, events and trace", () => {
    const a = faultyRun(42, true);
    const b = faultyRun(42, true);
    expect(a.counters().delivered).toBeGreaterThan(200);
    expect(a.faults().length).toBe(7);
    expect(a.traceHash()).toMatch(/^[0-9a-f]{16}$/);
    expect(b.traceHash()).toBe(a.traceHash());
    expect(b.counters()).toEqual(a.counters());
    expect(b.traceJsonl()).toBe(a.traceJsonl());
  });

  it("keeping the full trace does not change the run", () => {
    expect(faultyRun(9, true).traceHash()).toBe(faultyRun(9, false).traceHash());
  });

  it("different seeds give different hashes", () => {
    const hashes = new Set([1, 2, 3, 4, 5].map((s) => faultyRun(s).traceHash()));
    expect(hashes.size).toBe(5);
  });

  it("property: any seed replays to the same hash, and two seeds differ", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (s1, s2) => {
          fc.pre(s1 !== s2);
          const first = faultyRun(s1).traceHash();
          expect(faultyRun(s1).traceHash()).toBe(first);
          expect(faultyRun(s2).traceHash()).not.toBe(first);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("a fault does not shift the network's random draws", () => {
    const arrivals = (withFault: boolean) => {
      const { sim, logs, send } = probeCluster({
        seed: 5,
        network: { latency: { kind: "uniform", minMs: 1, maxMs: 50 }, duplicateProbability: 0.3 },
      });
      if (withFault) sim.loss({ probability: 0.5, nodes: [2] });
      for (let i = 0; i < 20; i++) {
        send(0, 1, { type: "pong", seq: i });
        send(0, 2, { type: "pong", seq: i });
      }
      sim.run(100);
      return {
        toNode1: logs[1]!.messages.map((m) => [m.t, m.msg.seq]),
        toNode2: logs[2]!.messages.length,
      };
    };
    const plain = arrivals(false);
    const faulty = arrivals(true);
    expect(plain.toNode1.length).toBeGreaterThan(20);
    expect(faulty.toNode2).toBeLessThan(plain.toNode2);
    expect(faulty.toNode1).toEqual(plain.toNode1);
  });
});

describe("the trace hash", () => {
  it("tells apart runs that differ only in what a protocol emitted", () => {
    const run = (suspect: number) => {
      const sim = new Simulation<PingMsg>({
        seed: 1,
        nodeCount: 2,
        create: () => ({
          start(env) {
            env.emit({ type: "suspect", peer: suspect });
          },
          onMessage() {},
          onTimer() {},
        }),
        validate: validatePing,
      });
      sim.run(1);
      return sim.traceHash();
    };
    expect(run(0)).toBe(run(0));
    expect(run(0)).not.toBe(run(1));
  });
});
