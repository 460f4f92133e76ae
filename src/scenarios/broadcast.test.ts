import { describe, expect, it } from "vitest";
import type { BroadcastMessage, BroadcastTimer, DataMessage } from "../broadcast/index.js";
import {
  BroadcastNode,
  bestEffortBroadcastProtocol,
  TotalOrder,
  type TotalOrderHost,
} from "../broadcast/index.js";
import type { Env, TimerId } from "../core/index.js";
import { CLEAN_RECOVERY, NO_METRICS, SILENT_LOGGER } from "../core/index.js";
import type { AnyScenario, RunView } from "../sim/scenario.js";
import { checkDeterminism, executePlan, planRun } from "../sim/scenario-run.js";
import type { RandomNemesis } from "../sim/schedule-random.js";
import {
  BROADCAST_SETTLE_MS,
  BROADCAST_WORK,
  broadcastCausalScenario,
  broadcastFifoScenario,
  broadcastReliableScenario,
  broadcastTotalElectScenario,
  broadcastTotalFailoverScenario,
  broadcastTotalScenario,
  checkBroadcastRun,
  lastBroadcastChangeMs,
} from "./broadcast.js";
import { eventsOf } from "./run-events.js";
import { snapshotBankScenario } from "./snapshot-bank.js";

const SEEDS = 100;

/**
 * Best-effort broadcast as a scenario judged like reliable broadcast (it only
 * keeps the promises without loss); crash-stop, so a restarted node is not judged.
 */
const bestEffortScenario: AnyScenario = {
  ...broadcastReliableScenario,
  name: "broadcast-best-effort",
  create: () => new BroadcastNode({ ...bestEffortBroadcastProtocol.defaults, ...BROADCAST_WORK }),
  check: (run) =>
    checkBroadcastRun(run as RunView<BroadcastMessage, BroadcastTimer>, "none", "none", false),
};

/**
 * The contract every broadcast variant passes: `SEEDS` seeds under its
 * nemesis with zero violations (liveness judged in at least half), a
 * partition that heals, a quiet run where every node delivers every message,
 * and malformed or foreign input dropped without harm.
 */
function broadcastContract(scenario: AnyScenario, nemesis: RandomNemesis): void {
  describe(`broadcast contract: ${scenario.name} (${nemesis.verbs.join(", ")})`, () => {
    it(`${SEEDS} seeds, zero violations, liveness judged in at least half`, () => {
      let judged = 0;
      let crashed = 0;
      let events = 0;
      const hit = { crashed: 0, loss: 0, partition: 0, duplicated: 0 };
      for (let seed = 1; seed <= SEEDS; seed++) {
        const { summary } = executePlan(planRun(scenario, { seed, nemesis }));
        expect(summary.violations, summary.replay).toEqual([]);
        const quietFor =
          summary.virtualMs - lastBroadcastChangeMs({ faults: summary.faults, lifecycle: [] });
        if (quietFor >= BROADCAST_SETTLE_MS) judged++;
        if (summary.faults.some((f) => f.fault === "crash")) crashed++;
        events += summary.emitted;
        hit.crashed += summary.messages.dropped.crashed;
        hit.loss += summary.messages.dropped.loss;
        hit.partition += summary.messages.dropped.partition;
        hit.duplicated += summary.messages.duplicated;
      }
      for (const verb of ["crash", "loss", "partition", "duplicate"] as const) {
        const key = verb === "crash" ? "crashed" : verb === "duplicate" ? "duplicated" : verb;
        if (nemesis.verbs.includes(verb))
          expect(hit[key], `messages hit by ${verb}`).toBeGreaterThan(100);
      }
      expect(judged, "runs that settled: validity and agreement judged").toBeGreaterThanOrEqual(
        SEEDS / 2,
      );
      expect(crashed, "runs with a crash").toBeGreaterThanOrEqual(SEEDS / 4);
      expect(events / SEEDS, "events per run: the load ran").toBeGreaterThan(500);
    });

    it("without faults every node delivers every message, once", () => {
      const { summary } = executePlan(planRun(scenario, { seed: 5, nemesis: "none" }));
      expect(summary.violations).toEqual([]);
      const n = summary.settings.nodes;
      // Each event is a broadcast or a delivery: b broadcasts give b·n deliveries.
      expect(summary.emitted % (n + 1)).toBe(0);
      expect(summary.emitted / (n + 1)).toBeGreaterThan(50);
    });

    it("drops malformed and foreign messages without harm", () => {
      expect(scenario.validate({ type: "data", origin: 0, seq: 0, body: "x", vc: [] })).toBe(
        "seq: expected at least 1, got 0",
      );
      expect(scenario.validate({ type: "ack", key: "zz" })).toMatch(/^key: expected/);
      expect(scenario.validate({ type: "data", origin: 1, seq: 1, body: 3, vc: [] })).toBe(
        "body: expected a string, got 3",
      );
      const node = scenario.create(1, 3) as BroadcastNode;
      const sent: unknown[] = [];
      node.start(fakeEnv(1, 3, sent), false);
      node.onMessage(0, { type: "data", origin: 9, seq: 1, body: "x", vc: [] });
      expect(node.deliveredCount).toBe(0);
    });
  });
}

const FULL: RandomNemesis = {
  verbs: ["crash", "partition", "loss", "delay", "duplicate"],
  ratePerSec: 0.4,
};
broadcastContract(bestEffortScenario, { verbs: ["crash", "delay", "duplicate"], ratePerSec: 0.4 });
broadcastContract(broadcastReliableScenario, FULL);
broadcastContract(broadcastFifoScenario, FULL);
broadcastContract(broadcastCausalScenario, FULL);
broadcastContract(broadcastTotalScenario, FULL);

const SCENARIOS = [
  broadcastReliableScenario,
  broadcastFifoScenario,
  broadcastCausalScenario,
  broadcastTotalScenario,
];

describe("total order: sequencer failover on fail-stop", () => {
  it("n0 fail-stops mid-load: n1 flushes, closes epoch 0, opens epoch 1, and every survivor delivers everything in one order", () => {
    const plan = planRun(broadcastTotalFailoverScenario, {
      seed: 3,
      nemesis: "none",
      faults: [
        { at: 3_000, fault: "failstop", node: 0 },
        { at: 4_000, fault: "failstop", node: 1 },
        { at: 5_000, fault: "partition", shape: "halves", healAt: 6_000 },
      ],
    });
    const { summary } = executePlan(plan);
    expect(summary.violations, summary.replay).toEqual([]);
    const events = eventsOf(plan);
    const epochs = events.filter((e) => e.event.type === "sequencerEpoch");
    expect(epochs.map((e) => [e.node, e.event.epoch])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    const broadcasts = events.filter((e) => e.event.type === "broadcast").length;
    for (const n of [2, 3, 4]) {
      const own = events.filter((e) => e.node === n && e.event.type === "deliver").length;
      // every message broadcast, except what n0 and n1 sent that never left them, reached n
      expect(own, `n${n} delivered`).toBeGreaterThan(broadcasts * 0.9);
    }
  });

  it(`${SEEDS} seeds under failstop, partition, loss, delay, duplication: zero violations, failovers judged`, () => {
    let failovers = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const plan = planRun(broadcastTotalFailoverScenario, { seed });
      const { summary } = executePlan(plan);
      expect(summary.violations, summary.replay).toEqual([]);
      const quietFor =
        summary.virtualMs - lastBroadcastChangeMs({ faults: summary.faults, lifecycle: [] });
      const n0Stopped = summary.faults.some((f) => f.fault === "failstop" && f.node === 0);
      if (n0Stopped && quietFor >= BROADCAST_SETTLE_MS) failovers++;
    }
    expect(
      failovers,
      "settled runs where n0 fail-stopped: liveness judged across a failover",
    ).toBeGreaterThanOrEqual(5);
  });
});

/** A sequencer that opens its epoch without waiting for anyone's flush answer. */
class HastyTotalOrder extends TotalOrder {
  protected override flushTargets(): number[] {
    return [];
  }
}

class HastyFailoverNode extends BroadcastNode {
  protected override createTotalOrder(host: TotalOrderHost, first: number): TotalOrder {
    return new HastyTotalOrder(host, first);
  }
}

describe("the checker catches a failover that does not flush", () => {
  it("a new sequencer that opens its epoch without the others' answers breaks the properties", () => {
    const config = {
      ...bestEffortBroadcastProtocol.defaults,
      ...BROADCAST_WORK,
      variant: "total" as const,
    };
    const planted = {
      ...broadcastTotalFailoverScenario,
      create: () => new HastyFailoverNode(config),
    };
    let caught = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const faults = [{ at: 3_000, fault: "failstop" as const, node: 0 }];
      const request = { seed, nemesis: "none" as const, faults, network: JITTERY };
      const { violations } = executePlan(planRun(planted, request)).summary;
      if (violations.length > 0) caught++;
      const honest = executePlan(planRun(broadcastTotalFailoverScenario, request)).summary;
      expect(honest.violations, honest.replay).toEqual([]);
    }
    expect(caught, "seeds of 5 where the hasty failover broke a property").toBeGreaterThanOrEqual(
      4,
    );
  });
});

describe("determinism", () => {
  it("each broadcast scenario and snapshot-bank replays event for event from its seed", () => {
    for (const scenario of [
      ...SCENARIOS,
      broadcastTotalFailoverScenario,
      broadcastTotalElectScenario,
      snapshotBankScenario,
    ]) {
      const report = checkDeterminism(planRun(scenario, { seed: 11 }));
      expect(report.difference, scenario.name).toBeUndefined();
      expect(report.same, scenario.name).toBe(true);
    }
  });
});

describe("partition-then-heal", () => {
  it("a side cut off for 3 s catches up on everything after the heal, for every reliable variant", () => {
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

/** A minimal Env for driving one node by hand. */
function fakeEnv(self: number, n: number, sent: unknown[]): Env<BroadcastMessage, BroadcastTimer> {
  return {
    self,
    cluster: Array.from({ length: n }, (_, i) => i),
    now: () => 0,
    send: (to, msg) => sent.push({ to, msg }),
    setTimer: () => 0 as TimerId,
    cancelTimer: () => {},
    random: () => 0.5,
    buggify: () => false,
    storage: {
      get: () => undefined,
      put: () => {},
      delete: () => {},
      keys: () => [],
      sync: () => {},
      recovery: CLEAN_RECOVERY,
    },
    emit: () => {},
    log: SILENT_LOGGER,
    metrics: NO_METRICS,
  };
}

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

/** Latency 1–600 ms: messages overtake one another often. */
const JITTERY = { latency: { kind: "uniform", minMs: 1, maxMs: 600 } } as const;

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
