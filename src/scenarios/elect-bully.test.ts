import { describe, expect, it } from "vitest";
import { executePlan, planRun } from "../sim/scenario-run.js";
import { electBullyScenario } from "./elect-bully.js";

describe("elect-bully scenario (probe)", () => {
  it("sweep", () => {
    const failing: unknown[] = [];
    for (let seed = 0; seed < 30; seed++) {
      const { summary } = executePlan(planRun(electBullyScenario, { seed }));
      if (summary.violations.length > 0)
        failing.push({ seed, v: summary.violations.slice(0, 3), f: summary.faults });
    }
    expect(failing).toEqual([]);
  });
});
