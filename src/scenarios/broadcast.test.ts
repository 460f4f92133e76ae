import { describe, expect, it } from "vitest";
import type { DataMessage } from "../broadcast/index.js";
import { BroadcastNode, bestEffortBroadcastProtocol } from "../broadcast/index.js";
import { executePlan, planRun } from "../sim/scenario-run.js";
import {
  BROADCAST_SETTLE_MS,
  BROADCAST_WORK,
  broadcastCausalScenario,
  broadcastFifoScenario,
  broadcastReliableScenario,
  broadcastTotalScenario,
  lastBroadcastChangeMs,
} from "./broadcast.js";

const SCENARIOS = [
  broadcastReliableScenario,
  broadcastFifoScenario,
  broadcastCausalScenario,
  broadcastTotalScenario,
];
const SEEDS = 100;

describe("broadcast contract: every variant under crash, partition, loss, delay and duplication", () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: ${SEEDS} seeds, zero violations, liveness judged in most`, () => {
      let judged = 0;
      let crashed = 0;
      let delivered = 0;
      for (let seed = 1; seed <= SEEDS; seed++) {
        const { summary } = executePlan(planRun(scenario, { seed }));
        expect(summary.violations, summary.replay).toEqual([]);
        if (
          summary.virtualMs - lastBroadcastChangeMs({ faults: summary.faults, lifecycle: [] }) >=
          BROADCAST_SETTLE_MS
        )
          judged++;
        if (summary.faults.some((f) => f.fault === "crash")) crashed++;
        delivered += summary.emitted;
      }
      expect(
        judged,
        "runs that settled, so validity and agreement were judged",
      ).toBeGreaterThanOrEqual(SEEDS / 2);
      expect(crashed, "runs with a crash").toBeGreaterThanOrEqual(SEEDS / 4);
      expect(delivered / SEEDS, "events per run: the load ran").toBeGreaterThan(500);
    });
  }

  it("partition-then-heal: a side cut off for 3 s catches up on everything after the heal", () => {
    for (const scenario of SCENARIOS) {
      const plan = planRun(scenario, {
        seed: 7,
        nemesis: "none",
        faults: [{ at: 1_000, fault: "partition", shape: "halves", healAt: 4_000 }],
      });
      const { summary } = executePlan(plan);
      expect(summary.violations, `${scenario.name} ${summary.replay}`).toEqual([]);
      expect(summary.messages.dropped.partition, scenario.name).toBeGreaterThan(0);
    }
  });
});

/** Causal broadcast that delivers as soon as the origin's sequence allows: FIFO only, a planted bug. */
class CausalWithoutWaiting extends BroadcastNode {
  protected override ready(m: DataMessage): boolean {
    return m.seq === (this.delivered[m.origin] ?? 0) + 1;
  }
}

/** FIFO broadcast that delivers on arrival. */
class FifoWithoutWaiting extends BroadcastNode {
  protected override ready(): boolean {
    return true;
  }
}

/** Total order whose nodes deliver data on arrival and ignore the sequencer. */
class TotalWithoutSequencer extends BroadcastNode {
  protected override onData(m: DataMessage): void {
    this.deliver(m);
  }
}

/** Latency 1–300 ms: messages overtake one another often. */
const JITTERY = { latency: { kind: "uniform", minMs: 1, maxMs: 300 } } as const;

describe("the checker catches planted ordering bugs (the honest variant passes the same seeds)", () => {
  const cases = [
    {
      scenario: broadcastCausalScenario,
      node: CausalWithoutWaiting,
      variant: "causal",
      property: "causal order",
    },
    {
      scenario: broadcastFifoScenario,
      node: FifoWithoutWaiting,
      variant: "fifo",
      property: "FIFO order",
    },
    {
      scenario: broadcastTotalScenario,
      node: TotalWithoutSequencer,
      variant: "total",
      property: "total order",
    },
  ] as const;
  for (const { scenario, node, variant, property } of cases) {
    it(`${scenario.name} with ${node.name} fails on ${property}`, () => {
      const config = { ...bestEffortBroadcastProtocol.defaults, ...BROADCAST_WORK, variant };
      const planted = { ...scenario, create: () => new node(config) };
      let caught = 0;
      for (let seed = 1; seed <= 10; seed++) {
        const { violations } = executePlan(planRun(planted, { seed, network: JITTERY })).summary;
        if (violations.some((v) => v.includes(`(${property})`))) caught++;
        const honest = executePlan(planRun(scenario, { seed, network: JITTERY })).summary;
        expect(honest.violations, honest.replay).toEqual([]);
      }
      expect(caught, `seeds of 10 where ${property} broke`).toBeGreaterThanOrEqual(8);
    });
  }

  it("best-effort broadcast under loss breaks agreement, which the reliable variants keep", () => {
    const config = { ...bestEffortBroadcastProtocol.defaults, ...BROADCAST_WORK };
    const lossy = { ...broadcastReliableScenario, create: () => new BroadcastNode(config) };
    const { violations } = executePlan(
      planRun(lossy, { seed: 3, nemesis: "none", network: { lossProbability: 0.05 } }),
    ).summary;
    expect(violations.some((v) => v.includes("(agreement)"))).toBe(true);
    const reliable = executePlan(
      planRun(broadcastReliableScenario, {
        seed: 3,
        nemesis: "none",
        network: { lossProbability: 0.05 },
      }),
    ).summary;
    expect(reliable.violations).toEqual([]);
  });
});
