import { describe, expect, it } from "vitest";
import { ELECT_BULLY_BOUND_MS, electBullyScenario } from "./elect-bully.js";
import { electSweep } from "./elect-sweep.js";

describe("elect sweep", () => {
  it("sums verdicts, split brain and fencing over seeds, deterministically", () => {
    const a = electSweep(electBullyScenario, ELECT_BULLY_BOUND_MS, 1000, 4, 20_000);
    const b = electSweep(electBullyScenario, ELECT_BULLY_BOUND_MS, 1000, 4, 20_000);
    expect(a).toEqual(b);
    expect(a.runs).toBe(4);
    expect(a.runMs).toBe(80_000);
    expect(a.failed).toBe(0);
    expect(a.fencedWrites).toBeGreaterThan(0);
    expect(a.sameEpochIntervals).toBe(0);
    expect(a.fencedRejected).toBeLessThanOrEqual(a.fencedWrites);
  });
});
