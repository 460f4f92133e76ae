import { describe, expect, it } from "vitest";
import { validateRaftBroadcast } from "../broadcast/index.js";
import { checkDeterminism, executePlan, planRun } from "../sim/scenario-run.js";
import { ELECTED_SETTLE_MS } from "./broadcast.js";
import { broadcastTotalRaftScenario } from "./broadcast-raft.js";
import { deliveries, eventsOf } from "./run-events.js";

const SEEDS = 40;

describe("broadcast-total-raft: the order is a Raft log", () => {
  it("without faults every node delivers every message once, all in one order", () => {
    const plan = planRun(broadcastTotalRaftScenario, { seed: 5, nemesis: "none" });
    const { summary } = executePlan(plan);
    expect(summary.violations).toEqual([]);
    const events = eventsOf(plan);
    const broadcasts = events.filter((e) => e.event.type === "broadcast").length;
    expect(broadcasts).toBeGreaterThan(100);
    const order = deliveries(events, 0);
    expect(order).toHaveLength(broadcasts);
    for (const n of [1, 2, 3, 4]) expect(deliveries(events, n), `n${n}`).toEqual(order);
  });

  it("two nodes halt and restart, then a partition heals: the restarted nodes catch up from the log, one order everywhere", () => {
    const plan = planRun(broadcastTotalRaftScenario, {
      seed: 8,
      nemesis: "none",
      faults: [
        { at: 2_000, fault: "crash", node: 0, healAt: 6_000 },
        { at: 3_000, fault: "crash", node: 1, healAt: 5_000 },
        { at: 7_000, fault: "partition", shape: "halves", healAt: 9_000 },
        { at: 10_000, fault: "restart", node: 3, downMs: 500 },
      ],
    });
    const { summary } = executePlan(plan);
    expect(summary.violations, summary.replay).toEqual([]);
    const events = eventsOf(plan);
    const order = deliveries(events, 2);
    expect(order.length).toBeGreaterThan(100);
    for (const n of [0, 1, 3, 4]) expect(deliveries(events, n), `n${n}`).toEqual(order);
  });

  it(`${SEEDS} seeds under crash, restart, partition, loss, delay, duplication: zero violations, liveness judged`, () => {
    let judged = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { summary } = executePlan(planRun(broadcastTotalRaftScenario, { seed }));
      expect(summary.violations, summary.replay).toEqual([]);
      const last = Math.max(
        0,
        ...summary.faults.map((f) =>
          f.fault === "restart" ? f.at + (f.downMs ?? 0) : Math.max(f.at, f.healAt ?? f.at),
        ),
      );
      if (summary.virtualMs - last >= ELECTED_SETTLE_MS) judged++;
    }
    expect(judged, "settled runs: validity and agreement judged").toBeGreaterThanOrEqual(SEEDS / 4);
  });

  it("replays event for event from its seed, and refuses malformed messages", () => {
    const report = checkDeterminism(planRun(broadcastTotalRaftScenario, { seed: 11 }));
    expect(report.same).toBe(true);
    expect(validateRaftBroadcast({ type: "raft", msg: { type: "nope" } })).toMatch(/^msg: /);
    expect(validateRaftBroadcast({ type: "data" })).toMatch(/^type: expected one of raft/);
  });
});
