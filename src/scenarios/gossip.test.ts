import { describe, expect, it } from "vitest";
import { GOSSIP_DEFAULTS } from "../gossip/config.js";
import type { MergeResult, WireEntry } from "../gossip/versioned-map.js";
import { executePlan, planRun } from "../sim/scenario-run.js";
import {
  gossipAntiEntropyScenario,
  gossipRumorScenario,
  lastChangeMs,
  ScriptedAntiEntropyNode,
  ScriptedRumorNode,
  SETTLE_MS,
} from "./gossip.js";

const ANTI_ENTROPY = { ...GOSSIP_DEFAULTS, mode: "pushpull" as const };

describe("gossip scenarios under the default nemesis", () => {
  for (const scenario of [gossipAntiEntropyScenario, gossipRumorScenario]) {
    it(`${scenario.name}: 12 seeds with crash, partition, loss, delay and duplication pass; one run without faults too`, () => {
      let judged = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const { summary } = executePlan(planRun(scenario, { seed }));
        expect(summary.violations, summary.replay).toEqual([]);
        expect(summary.faults.length, "the nemesis injected faults").toBeGreaterThan(0);
        if (
          summary.virtualMs - lastChangeMs({ faults: summary.faults, lifecycle: [] }) >=
          SETTLE_MS
        )
          judged++;
      }
      expect(judged, "runs that settled, so convergence was judged").toBeGreaterThanOrEqual(3);
      const quiet = executePlan(planRun(scenario, { seed: 99, nemesis: "none" })).summary;
      expect(quiet.violations).toEqual([]);
    });
  }
});

class DropsDeletions extends ScriptedAntiEntropyNode {
  protected override mergeRemote(entry: WireEntry): MergeResult {
    return entry.deleted ? "stale" : super.mergeRemote(entry);
  }
}

describe("the gossip scenarios catch planted bugs", () => {
  it("anti-entropy that drops incoming death certificates fails the convergence check", () => {
    const planted = {
      ...gossipAntiEntropyScenario,
      create: () => new DropsDeletions(ANTI_ENTROPY),
    };
    const failures = [1, 2, 3, 4, 5].flatMap(
      (seed) => executePlan(planRun(planted, { seed, nemesis: "none" })).summary.violations,
    );
    expect(failures.some((v) => v.includes("did not converge"))).toBe(true);
  });

  it("rumor mongering that never loses interest fails the termination check", () => {
    const config = { ...GOSSIP_DEFAULTS, mode: "pushpull" as const, k: 1e6 };
    const planted = { ...gossipRumorScenario, create: () => new ScriptedRumorNode(config) };
    const { violations } = executePlan(planRun(planted, { seed: 1, nemesis: "none" })).summary;
    expect(violations.some((v) => v.includes("still spreads"))).toBe(true);
  });
});
