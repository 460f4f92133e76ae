import { describe, expect, it } from "vitest";
import { raftKvScenario, raftKvScenarioOf } from "../scenarios/raft-kv.js";
import { checkDeterminism, executePlan, planRun } from "../sim/scenario-run.js";
import { RAFT_DEFAULTS } from "./config.js";

/**
 * The raft-kv scenario on the deterministic simulator: 5 servers and 3
 * clients under the scenario's random nemesis (crash, restart, loss, link,
 * partition, delay, pause, clock, duplicate, replay). A failing seed replays
 * with `cohort sim raft-kv --seed N --duration 5000` (the summary's replay line).
 */
const SEEDS = Number(process.env.RAFT_SIM_SEEDS ?? 200);

describe("raft-kv in the deterministic simulator", () => {
  it(`${SEEDS} seeds of 5 s: linearizable, no acknowledged write lost, one leader per term, committed logs agree`, () => {
    let ops = 0;
    let faulted = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { summary } = executePlan(planRun(raftKvScenario, { seed, durationMs: 5000 }));
      expect(summary.violations, summary.replay).toEqual([]);
      if (summary.faults.length > 0) faulted++;
      ops += summary.emitted;
    }
    // The nemesis draws about one fault a second, so a 5 s run sees none with
    // probability e^-5 (under 1%): nearly every seed must have been faulted.
    expect(faulted).toBeGreaterThanOrEqual(Math.ceil(SEEDS * 0.95));
    expect(ops).toBeGreaterThan(SEEDS * 100);
  });

  it("a seed replays exactly: the same trace twice", () => {
    const report = checkDeterminism(planRun(raftKvScenario, { seed: 7, durationMs: 2000 }));
    expect(report.same).toBe(true);
  });

  it("the scenario's checks catch a planted bug: leader reads without ReadIndex and no check-quorum", () => {
    const broken = raftKvScenarioOf("raft-kv-stale-reads", {
      ...RAFT_DEFAULTS,
      unsafeLeaderReads: true,
      checkQuorum: false,
    });
    const found: string[] = [];
    for (let seed = 1; seed <= 40 && found.length === 0; seed++) {
      const { summary } = executePlan(
        planRun(broken, {
          seed,
          durationMs: 5000,
          nemesis: { verbs: ["partition"], ratePerSec: 2 },
        }),
      );
      found.push(...summary.violations);
    }
    expect(found.join("\n")).toMatch(/linearizable: violation/);
  });
});
