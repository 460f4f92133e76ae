import { describe, expect, it } from "vitest";
import { PingPongNode, validatePing } from "./pingpong.js";
import { Simulation } from "./simulation.js";

function pingPong(seed: number, nodeCount = 10) {
  return new Simulation({
    seed,
    nodeCount,
    create: () => new PingPongNode(2),
    validate: validatePing,
  });
}

describe("Simulation basics", () => {
  it("runs ping-pong and counts every message", () => {
    const sim = pingPong(1);
    expect(sim.run(1000)).toBe("until");
    const c = sim.counters();
    expect(c.delivered).toBeGreaterThan(1000);
    const dropped = Object.values(c.dropped).reduce((a, b) => a + b, 0);
    expect(c.sent + c.duplicated + c.replayed).toBe(c.delivered + dropped + sim.inFlight);
    expect(sim.inFlight).toBe(20);
    expect(sim.now).toBe(1000);
  });
});
