import { describe, expect, it } from "vitest";
import { RAFT_KV_CONFIG } from "../scenarios/raft-kv.js";
import { raftMembershipScenario, raftMembershipScenarioOf } from "../scenarios/raft-membership.js";
import { checkDeterminism, executePlan, planRun } from "../sim/scenario-run.js";

/**
 * The raft-membership scenario on the deterministic simulator: 6 servers of
 * which 3 start as voters, 3 key-value clients and 2 administrators adding
 * learners, promoting them and removing voters (the leader too) under the
 * raft-kv nemesis. A failing seed replays with
 * `cohort sim raft-membership --seed N --duration 5000`.
 */
const SEEDS = Number(process.env.RAFT_MEMBERSHIP_SEEDS ?? 100);

describe("raft-membership in the deterministic simulator", () => {
  it(`${SEEDS} seeds of 5 s: linearizable, no acknowledged write lost, one leader per term, committed logs agree, live after calm`, () => {
    const changes: Record<string, number> = {};
    let faulted = 0;
    let judged = 0;
    let ops = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { summary } = executePlan(planRun(raftMembershipScenario, { seed, durationMs: 5000 }));
      expect(summary.violations, summary.replay).toEqual([]);
      if (summary.faults.length > 0) faulted++;
      ops += summary.emitted;
      const results = summary as unknown as Record<string, unknown>;
      const made = results.membershipChanges as Record<string, number>;
      for (const [k, v] of Object.entries(made)) changes[k] = (changes[k] ?? 0) + v;
      if (results.acknowledgedLostJudged === true) judged++;
    }
    expect(faulted).toBeGreaterThanOrEqual(Math.ceil(SEEDS * 0.95));
    expect(ops).toBeGreaterThan(SEEDS * 100);
    // Membership really changed, in every way, many times per run.
    expect(changes.addLearner).toBeGreaterThan(SEEDS * 4);
    expect(changes.promote).toBeGreaterThan(SEEDS * 4);
    expect(changes.remove).toBeGreaterThan(SEEDS * 2);
    expect(changes.leaderRemoved).toBeGreaterThan(SEEDS / 4);
    // Acknowledged writes were checked against the final state in a good share of runs (the others had not settled by the end).
    expect(judged).toBeGreaterThan(SEEDS / 6);
  });

  it("a seed replays exactly: the same trace twice", () => {
    const report = checkDeterminism(
      planRun(raftMembershipScenario, { seed: 11, durationMs: 2000 }),
    );
    expect(report.same).toBe(true);
  });

  it("the sweep catches a planted bug: a membership change started while another is uncommitted", () => {
    // Impatient administrators go on to their next change after 10 ms without an
    // answer, and partitions come twice a second: a correct leader refuses the
    // overlapping changes; the broken one takes them.
    const busy = {
      admins: 4,
      thinkMsMin: 0,
      thinkMsMax: 30,
      impatient: true,
      attemptTimeoutMs: 10,
    };
    const plan = (seed: number) => ({
      seed,
      durationMs: 5000,
      nemesis: { verbs: ["partition" as const], ratePerSec: 2 },
    });
    const broken = raftMembershipScenarioOf(
      "raft-membership-concurrent-changes",
      { ...RAFT_KV_CONFIG, unsafeConcurrentChanges: true },
      busy,
    );
    const correct = raftMembershipScenarioOf("raft-membership-busy", RAFT_KV_CONFIG, busy);
    const found: string[] = [];
    let seed = 1;
    for (; seed <= 60 && found.length === 0; seed++) {
      found.push(...executePlan(planRun(broken, plan(seed))).summary.violations);
      if (found.length === 0)
        expect(executePlan(planRun(correct, plan(seed))).summary.violations).toEqual([]);
    }
    expect(found.join("\n")).toMatch(/state machine safety|election safety|linearizable/);
  });
});
