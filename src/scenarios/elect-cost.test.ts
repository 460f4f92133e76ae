import { describe, expect, it } from "vitest";
import type { AnyScenario } from "../sim/scenario.js";
import { ELECT_BULLY_BOUND_MS, electBullyScenario } from "./elect-bully.js";
import { leaderCrashCost, partitionCost } from "./elect-cost.js";
import { electNextInLineScenario } from "./elect-next-in-line.js";
import { electRingScenario } from "./elect-ring.js";

describe("the cost of a leader crash", () => {
  it("32 nodes: bully's election costs over 3x the messages of ring's and next-in-line's; all converge", () => {
    const bully = leaderCrashCost(electBullyScenario, 32, 1);
    const ring = leaderCrashCost(electRingScenario, 32, 1);
    const nil = leaderCrashCost(electNextInLineScenario, 32, 1);
    for (const c of [bully, ring, nil]) {
      expect(c.crashed).toBe(31);
      expect(c.crashedLeader).toBe(true);
      expect(c.convergeMs).toBeGreaterThan(400); // at least the detector's deadline less an interval
      expect(c.convergeMs).toBeLessThan(4000);
    }
    // ring's count includes its hop acknowledgements (two messages per hop)
    expect(bully.messages).toBeGreaterThan(3 * ring.messages);
    expect(bully.messages).toBeGreaterThan(3 * nil.messages);
    expect(leaderCrashCost(electBullyScenario, 32, 1)).toEqual(bully); // deterministic
  });
});

describe("how the cost grows with n", () => {
  it("from 8 to 32 nodes bully's messages grow over 10x (about n²), ring's and next-in-line's under 6x (about n)", () => {
    const growth = (s: AnyScenario) =>
      leaderCrashCost(s, 32, 1).messages / leaderCrashCost(s, 8, 1).messages;
    expect(growth(electBullyScenario)).toBeGreaterThan(10);
    expect(growth(electRingScenario)).toBeLessThan(6);
    expect(growth(electNextInLineScenario)).toBeLessThan(6);
  });
});

describe("the cost of a partition", () => {
  it("isolating bully's leader: one long split brain, and agreement again soon after the heal", () => {
    const c = partitionCost(electBullyScenario, 8, 1, "isolate");
    expect(c.splitBrainIntervals).toBeGreaterThanOrEqual(1);
    // the majority elects within ~0.5 s of the cut; both lead until the merge after the heal at 6 s
    expect(c.splitBrainMs).toBeGreaterThan(2000);
    expect(c.splitBrainMs).toBeLessThan(4000);
    expect(c.reconvergeMs).toBeGreaterThan(0);
    expect(c.reconvergeMs).toBeLessThan(ELECT_BULLY_BOUND_MS);
  });
});
