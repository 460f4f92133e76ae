import { describe, expect, it } from "vitest";
import type { NodeId } from "../core/index.js";
import type { RingConfig } from "../elect/index.js";
import { RING_DEFAULTS, RingNode, ringProtocol } from "../elect/index.js";
import { electionContract, scripted } from "./elect-contract.js";
import { ELECT_RING_BOUND_MS, electRingScenario } from "./elect-ring.js";
import { electScenario } from "./elect-scenario.js";

/** A ring that does not skip: it always passes to the next id, live or not. */
class NeverSkips extends RingNode {
  protected override successor(): NodeId | undefined {
    const ring = this.env.cluster;
    return ring[(ring.indexOf(this.env.self) + 1) % ring.length];
  }
}

electionContract({
  scenario: electRingScenario,
  boundMs: ELECT_RING_BOUND_MS,
  winner: (live) => Math.max(...live),
});

describe("elect-ring", () => {
  it("planted bug — a ring that does not skip a crashed successor — is caught", () => {
    const planted = electScenario({
      name: "elect-ring-never-skips",
      summary: "planted bug",
      protocol: { ...ringProtocol, create: (_id: NodeId, c: RingConfig) => new NeverSkips(c) },
      config: RING_DEFAULTS,
      boundMs: ELECT_RING_BOUND_MS,
    });
    const { summary } = scripted(planted, [{ at: 3000, fault: "crash", node: 4 }], 10_000);
    expect(summary.violations.length).toBeGreaterThan(0);
    expect(summary.violations[0]).toMatch(/^n\d knew no leader at 7000 ms/);
    // the same crash with the real ring: no violation
    expect(
      scripted(electRingScenario, [{ at: 3000, fault: "crash", node: 4 }], 10_000).summary
        .violations,
    ).toEqual([]);
  });

  it("rejects bad settings and malformed messages by field", () => {
    expect(ringProtocol.checkConfig(RING_DEFAULTS)).toBeUndefined();
    expect(ringProtocol.checkConfig({ ...RING_DEFAULTS, roundTimeoutMs: 0 })).toBe(
      "roundTimeoutMs: expected an integer in [1, 3600000], got 0",
    );
    const v = ringProtocol.validate;
    expect(v({ type: "ring-elect", initiator: 1, epoch: 2, live: [1, 2] })).toBeUndefined();
    expect(v({ type: "ring-elect", initiator: 1, epoch: 2, live: [1, -2] })).toBe(
      "live[1]: expected a node id, got -2",
    );
    expect(v({ type: "ring-leader", initiator: 1, leader: 3, epoch: 2 })).toBe(
      "hops: expected a non-negative integer, got nothing",
    );
  });
});
