import { describe, expect, it } from "vitest";
import { electBullyScenario } from "./elect-bully.js";
import { leaderCrashCost } from "./elect-cost.js";
import { electNextInLineScenario } from "./elect-next-in-line.js";
import { electRingScenario } from "./elect-ring.js";

describe("the cost of a leader crash", () => {
  it("16 nodes: bully's election costs more messages than ring's and next-in-line's; all converge", () => {
    const bully = leaderCrashCost(electBullyScenario, 16, 1);
    const ring = leaderCrashCost(electRingScenario, 16, 1);
    const nil = leaderCrashCost(electNextInLineScenario, 16, 1);
    for (const c of [bully, ring, nil]) {
      expect(c.crashed).toBe(15);
      expect(c.crashedLeader).toBe(true);
      expect(c.convergeMs).toBeGreaterThan(400); // at least the detector's deadline less an interval
      expect(c.convergeMs).toBeLessThan(4000);
    }
    expect(bully.messages).toBeGreaterThan(3 * ring.messages);
    expect(bully.messages).toBeGreaterThan(3 * nil.messages);
    expect(leaderCrashCost(electBullyScenario, 16, 1)).toEqual(bully); // deterministic
  });
});
