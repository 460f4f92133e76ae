import { describe, expect, it } from "vitest";
import {
  type BroadcastConfig,
  type BroadcastMessage,
  type BroadcastTimer,
  type DataMessage,
  ElectedBroadcastNode,
  ElectedOrder,
  type ElectedOrderHost,
  totalElectBroadcastProtocol,
} from "../broadcast/index.js";
import type { DurableStorage, Env } from "../core/index.js";
import type { AnyScenario } from "../sim/scenario.js";
import type { RunRequest } from "../sim/scenario-run.js";
import { executePlan, planRun } from "../sim/scenario-run.js";
import { BROADCAST_WORK, broadcastTotalElectScenario, ELECTED_SETTLE_MS } from "./broadcast.js";
import { deliveries, eventsOf } from "./run-events.js";

const SEEDS = 60;
const CONFIG: BroadcastConfig = { ...totalElectBroadcastProtocol.defaults, ...BROADCAST_WORK };
/** The scripted load for 5 s only, so a 9 s run settles. */
const SHORT: BroadcastConfig = { ...CONFIG, workUntilMs: 5_000 };
/** Latency 1–300 ms: the followers learn of commits late and messages overtake one another. */
const JITTERY = { latency: { kind: "uniform", minMs: 1, maxMs: 300 } } as const;

describe("broadcast-total-elect: an elected sequencer behind a majority", () => {
  it("the sequencer (n4) halts silently at 3 s: n3 is elected, recovers the log, and every survivor delivers every message in one order", () => {
    const plan = planRun(broadcastTotalElectScenario, {
      seed: 3,
      nemesis: "none",
      faults: [{ at: 3_000, fault: "crash", node: 4 }],
    });
    const { summary } = executePlan(plan);
    expect(summary.violations, summary.replay).toEqual([]);
    const events = eventsOf(plan);
    const ballots = events.filter((e) => e.event.type === "sequencerBallot");
    expect(ballots.map((e) => e.node)).toEqual([4, 3]);
    const [first, second] = ballots.map((e) => Number(e.event.ballot));
    expect(second, "the new ballot is higher").toBeGreaterThan(first ?? Infinity);
    expect(Number(ballots[1]?.event.length), "n3 recovered the old ballot's log").toBeGreaterThan(
      0,
    );
    const broadcasts = events.filter((e) => e.event.type === "broadcast").length;
    const order = deliveries(events, 0);
    for (const n of [1, 2, 3]) expect(deliveries(events, n), `n${n}`).toEqual(order);
    // Everything but what n4 broadcast and never got out before it halted.
    expect(order.length).toBeGreaterThan(broadcasts * 0.9);
    // n4's own deliveries are a prefix of the survivors' order (uniform total order).
    const n4 = deliveries(events, 4);
    expect(order.slice(0, n4.length)).toEqual(n4);
  });

  it("a stale sequencer cut off in a minority delivers nothing new; the majority elects another and goes on; after the heal one order", () => {
    const plan = planRun(broadcastTotalElectScenario, {
      seed: 5,
      nemesis: "none",
      faults: [
        {
          at: 3_000,
          fault: "partition",
          groups: [
            [3, 4],
            [0, 1, 2],
          ],
          healAt: 7_000,
        },
      ],
    });
    const { summary } = executePlan(plan);
    expect(summary.violations, summary.replay).toEqual([]);
    const events = eventsOf(plan);
    const during = (node: number) =>
      events.filter(
        (e) => e.node === node && e.event.type === "deliver" && e.t > 3_700 && e.t < 7_000,
      ).length;
    expect(during(4), "n4 (stale sequencer, minority) delivers nothing while cut off").toBe(0);
    expect(during(3)).toBe(0);
    expect(during(0), "the majority side delivers under its own sequencer").toBeGreaterThan(10);
    const ballots = events.filter((e) => e.event.type === "sequencerBallot").map((e) => e.node);
    expect(ballots).toContain(2);
    const order = deliveries(events, 0);
    for (const n of [1, 2, 3, 4]) expect(deliveries(events, n), `n${n}`).toEqual(order);
  });

  it(`${SEEDS} seeds under crash (halting), restart, partition, loss, delay, duplication: zero violations; silent sequencer crashes judged on liveness`, () => {
    let judged = 0;
    let sequencerCrashed = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { summary } = executePlan(planRun(broadcastTotalElectScenario, { seed }));
      expect(summary.violations, summary.replay).toEqual([]);
      const crashes = summary.faults.filter((f) => f.fault === "crash");
      const downForGood = new Set(crashes.filter((f) => f.healAt === undefined).map((f) => f.node));
      const last = Math.max(
        0,
        ...summary.faults.map((f) =>
          f.fault === "restart" ? f.at + (f.downMs ?? 0) : Math.max(f.at, f.healAt ?? f.at),
        ),
      );
      if (summary.virtualMs - last < ELECTED_SETTLE_MS || 5 - downForGood.size < 3) continue;
      judged++;
      if (crashes.some((f) => f.node === 4)) sequencerCrashed++;
    }
    expect(judged, "settled runs with a majority up: liveness judged").toBeGreaterThanOrEqual(
      SEEDS / 3,
    );
    expect(
      sequencerCrashed,
      "of them, runs where the first sequencer (n4) halted: liveness judged across an election",
    ).toBeGreaterThanOrEqual(3);
  });
});

/** A new sequencer that keeps only its own committed prefix: it does not recover what the old ballot committed elsewhere. */
class ForgetfulOrder extends ElectedOrder {
  protected override recover(own: readonly DataMessage[], ownCommit: number): DataMessage[] {
    return own.slice(0, ownCommit);
  }
}
class ForgetfulNode extends ElectedBroadcastNode {
  protected override createOrder(host: ElectedOrderHost): ElectedOrder {
    return new ForgetfulOrder(host);
  }
}

/** A sequencer that commits what it alone holds: no majority behind a delivery. */
class LonelyOrder extends ElectedOrder {
  override get majority(): number {
    return 1;
  }
}
class LonelyNode extends ElectedBroadcastNode {
  protected override createOrder(host: ElectedOrderHost): ElectedOrder {
    return new LonelyOrder(host);
  }
}

describe("the checker catches planted bugs in the elected sequencer (the honest one passes the same runs)", () => {
  const cases: {
    name: string;
    node: new (c: BroadcastConfig) => ElectedBroadcastNode;
    config: BroadcastConfig;
    request: (seed: number) => RunRequest;
  }[] = [
    {
      name: "a new sequencer that does not recover the old ballot's log (it lagged: cut off from the old one)",
      node: ForgetfulNode,
      config: SHORT,
      request: (seed) => ({
        seed,
        nemesis: "none",
        network: JITTERY,
        durationMs: 9_000,
        faults: [
          { at: 1_000, fault: "link", from: 4, to: 3, twoWay: true, healAt: 2_000 + seed * 300 },
          { at: 2_000 + seed * 300, fault: "crash", node: 4 },
        ],
      }),
    },
    {
      name: "a sequencer that delivers without a majority, cut off in a minority",
      node: LonelyNode,
      config: CONFIG,
      request: (seed) => ({
        seed,
        nemesis: "none",
        faults: [
          {
            at: 2_000 + seed * 300,
            fault: "partition",
            groups: [
              [3, 4],
              [0, 1, 2],
            ],
            healAt: 6_000 + seed * 300,
          },
        ],
      }),
    },
  ];
  for (const { name, node, config, request } of cases) {
    it(`${name}: breaks total order`, () => {
      const planted: AnyScenario = {
        ...broadcastTotalElectScenario,
        create: () => new node(config),
      };
      const honest: AnyScenario = {
        ...broadcastTotalElectScenario,
        create: () => new ElectedBroadcastNode(config),
      };
      let caught = 0;
      for (let seed = 1; seed <= 5; seed++) {
        const { violations } = executePlan(planRun(planted, request(seed))).summary;
        if (violations.some((v) => v.includes("(total order)"))) caught++;
        const fair = executePlan(planRun(honest, request(seed))).summary;
        expect(fair.violations, fair.replay).toEqual([]);
      }
      expect(caught, "seeds of 5 where total order broke").toBeGreaterThanOrEqual(4);
    });
  }
});

/** An elected-sequencer node whose storage reads back nothing of the sequencer layer after a restart. */
class AmnesiacNode extends ElectedBroadcastNode {
  override start(env: Env<BroadcastMessage, BroadcastTimer>, recovered: boolean): void {
    const storage: DurableStorage = {
      get: (k) => (k.startsWith("broadcast/elected/") ? undefined : env.storage.get(k)),
      put: (k, v) => env.storage.put(k, v),
      delete: (k) => env.storage.delete(k),
      keys: (prefix) => env.storage.keys(prefix),
      sync: () => env.storage.sync(),
      recovery: env.storage.recovery,
    };
    super.start(
      {
        self: env.self,
        cluster: env.cluster,
        now: () => env.now(),
        send: (to, msg) => env.send(to, msg),
        setTimer: (ms, tag) => env.setTimer(ms, tag),
        cancelTimer: (id) => env.cancelTimer(id),
        random: () => env.random(),
        buggify: (site) => env.buggify(site),
        storage,
        emit: (e) => env.emit(e),
        log: env.log,
        metrics: env.metrics,
      },
      recovered,
    );
  }
}

describe("broadcast-total-elect: crash-recovery", () => {
  const request = (seed: number): RunRequest => ({
    seed,
    nemesis: "none",
    faults: [{ at: 3_000, fault: "crash", node: 4, healAt: 6_000 }],
  });

  it("the sequencer halts at 3 s and restarts at 6 s: it rejoins from its kept log and delivers everything, in the one order, once", () => {
    const plan = planRun(broadcastTotalElectScenario, request(3));
    const { summary } = executePlan(plan);
    // n4 is judged on agreement as a rejoined node, and on no duplication across its restart.
    expect(summary.violations, summary.replay).toEqual([]);
    const events = eventsOf(plan);
    const order = deliveries(events, 0);
    expect(deliveries(events, 4), "n4, before and after its restart").toEqual(order);
    expect(events.some((e) => e.node === 4 && e.t > 6_000 && e.event.type === "broadcast")).toBe(
      true,
    );
  });

  it("seed 787: the sequencer restarts having lost (torn) the packets it acknowledged; its higher incarnation gets them resent and every message is delivered", () => {
    const { summary } = executePlan(planRun(broadcastTotalElectScenario, { seed: 787 }));
    expect(summary.faults.some((f) => f.fault === "restart" && f.node === 4)).toBe(true);
    expect(summary.violations, summary.replay).toEqual([]);
  });

  it("a node that forgets its sequencer state on restart delivers again (planted; the honest node passes the same runs)", () => {
    const planted: AnyScenario = {
      ...broadcastTotalElectScenario,
      create: () => new AmnesiacNode(CONFIG),
    };
    let caught = 0;
    for (let seed = 1; seed <= 3; seed++) {
      const { violations } = executePlan(planRun(planted, request(seed))).summary;
      if (violations.some((v) => v.includes("(no duplication)"))) caught++;
      const honest = executePlan(planRun(broadcastTotalElectScenario, request(seed))).summary;
      expect(honest.violations, honest.replay).toEqual([]);
    }
    expect(caught, "seeds of 3 where the amnesiac node delivered twice").toBe(3);
  });
});
