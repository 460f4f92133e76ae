import { describe, expect, it } from "vitest";
import { findScenario } from "../scenarios/index.js";
import type { AnyScenario } from "./scenario.js";
import { executePlan, planRun } from "./scenario-run.js";
import type { ScheduledFault } from "./schedule.js";
import { randomSchedule } from "./schedule-random.js";
import { shrinkPlan, violationSignature } from "./shrink.js";

const fragile = findScenario("pingpong-fragile") as AnyScenario;

describe("shrinking a failing schedule", () => {
  it("blurs times, counts and nodes in a violation's signature", () => {
    expect(
      violationSignature(
        "t=7104.23ms n2 assertion in message handler: n2 got ping #72 from n1 twice",
      ),
    ).toBe("n# assertion in message handler: n# got ping ## from n# twice");
  });

  it("a planted bug's schedule of many faults shrinks to the one fault that matters", () => {
    // Thirty faults that cannot make a node see a ping twice, and one duplicate fault that does.
    const harmless = randomSchedule({
      seed: 11,
      nodeCount: 3,
      durationMs: 10_000,
      nemesis: {
        verbs: ["crash", "partition", "loss", "delay", "pause", "clock", "link", "buffer"],
        ratePerSec: 4,
      },
    }).slice(0, 30);
    const culprit: ScheduledFault = {
      at: 6000,
      fault: "duplicate",
      probability: 0.9,
      healAt: 8000,
    };
    const faults = [...harmless, culprit];
    expect(faults.length).toBe(31);
    const plan = planRun(fragile, { seed: 5, nodes: 5, nemesis: "none", faults });
    const result = shrinkPlan(plan);
    expect(result).toBeDefined();
    if (result === undefined) return;
    expect(result.original.violations[0]).toMatch(/got ping #\d+ from n\d twice/);
    expect(result.plan.schedule).toHaveLength(1);
    expect(result.plan.schedule[0]).toMatchObject({
      at: 6000,
      fault: "duplicate",
      probability: 0.9,
    });
    expect(result.summary.violations.map(violationSignature)).toContain(result.signature);
    // The shrunk plan replays: a fresh run of it fails the same way.
    const again = executePlan(result.plan).summary;
    expect(again.traceHash).toBe(result.summary.traceHash);
    expect(result.plan.settings.durationMs).toBeLessThan(10_000);
    // The culprit names no node, so the smallest cluster the scenario allows still fails.
    expect(result.plan.settings.nodes).toBe(2);
    expect(result.runs).toBeLessThan(200);
  });

  it("a random failing seed shrinks to a single Byzantine fault", () => {
    let shrunk = 0;
    for (let seed = 0; seed < 40 && shrunk < 3; seed++) {
      const plan = planRun(fragile, { seed });
      const result = shrinkPlan(plan);
      if (result === undefined) continue;
      shrunk += 1;
      expect(plan.schedule.length).toBeGreaterThan(result.plan.schedule.length);
      expect(result.plan.schedule).toHaveLength(1);
      expect(["duplicate", "replay", "corrupt"]).toContain(result.plan.schedule[0]?.fault);
    }
    expect(shrunk).toBe(3);
  });

  it("returns nothing to shrink for a passing run", () => {
    expect(shrinkPlan(planRun(fragile, { seed: 1, nemesis: "none" }))).toBeUndefined();
  });
});
