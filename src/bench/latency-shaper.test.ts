import { describe, expect, it } from "vitest";
import type { Env, NodeId, ProtocolNode } from "../core/index.js";
import { Simulation } from "../sim/simulation.js";
import { type LatencyShape, shapeLatency } from "./latency-shaper.js";

/** Node 0 sends `hello` at 0 and 100 ms (by its own timer); node 1 emits `got` on each arrival. */
function tiny(id: NodeId): ProtocolNode<string, string> {
  let env!: Env<string, string>;
  return {
    start(e) {
      env = e;
      if (id === 0) {
        env.send(1, "hello");
        env.setTimer(100, "again");
      }
    },
    onMessage(from, msg) {
      env.emit({ type: "got", peer: from, msg });
    },
    onTimer(tag) {
      expect(tag).toBe("again");
      env.send(1, "hello");
    },
  };
}

function arrivals(shape: LatencyShape | undefined, seed = 1): number[] {
  const sim = new Simulation<string, unknown>({
    seed,
    nodeCount: 2,
    create: (id) => (shape === undefined ? tiny(id) : shapeLatency(tiny(id), shape, seed, id)),
    validate: () => undefined,
    network: { latency: { kind: "constant", ms: 10 } },
  });
  sim.run(1_000);
  return sim
    .events()
    .filter((e) => e.event.type === "got")
    .map((e) => e.t);
}

describe("latency shaper", () => {
  it("holds each message for the shape's extra latency; the inner node's timers still fire", () => {
    expect(arrivals(undefined)).toEqual([10, 110]);
    // the extra depends on the time the message reaches the receiver: it can drift
    expect(arrivals((_f, _t, atMs) => (atMs < 50 ? 40 : 5))).toEqual([50, 115]);
  });

  it("draws from its own seeded stream: same seed, same run; another seed, another run", () => {
    const shape: LatencyShape = (_f, _t, _at, rng) => Math.floor(rng.next() * 50);
    expect(arrivals(shape, 3)).toEqual(arrivals(shape, 3));
    expect(arrivals(shape, 3)).not.toEqual(arrivals(shape, 4));
  });
});
