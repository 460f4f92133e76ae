import { describe, expect, it } from "vitest";
import {
  type BroadcastConfig,
  type BroadcastMessage,
  BroadcastNode,
  type BroadcastTimer,
  type BroadcastVariant,
  reliableBroadcastProtocol,
} from "../broadcast/index.js";
import type { DurableStorage, Env } from "../core/index.js";
import type { AnyScenario } from "../sim/scenario.js";
import { executePlan, planRun } from "../sim/scenario-run.js";
import type { RandomNemesis } from "../sim/schedule-random.js";
import {
  BROADCAST_WORK,
  broadcastCausalScenario,
  broadcastFifoScenario,
  broadcastReliableScenario,
} from "./broadcast.js";

const VARIANTS = [
  ["reliable", broadcastReliableScenario],
  ["fifo", broadcastFifoScenario],
  ["causal", broadcastCausalScenario],
] as const;

/** A node that records the most packets it held at any resend tick, and what it holds at the end. */
class MeasuredNode extends BroadcastNode {
  maxHeld = 0;
  override onTimer(tag: BroadcastTimer): void {
    super.onTimer(tag);
    this.maxHeld = Math.max(this.maxHeld, this.heldCount);
  }
}

function config(variant: BroadcastVariant, over: Partial<BroadcastConfig> = {}): BroadcastConfig {
  return { ...reliableBroadcastProtocol.defaults, ...BROADCAST_WORK, variant, ...over };
}

/** A minute of load (each node about every 200 ms) under partitions, loss and delay that heal by 45 s. */
const LONG = {
  durationMs: 64_000,
  nemesis: "none",
  faults: [
    { at: 5_000, fault: "partition", shape: "halves", healAt: 10_000 },
    { at: 15_000, fault: "loss", probability: 0.2, healAt: 25_000 },
    { at: 20_000, fault: "delay", extraLatencyMs: 300, healAt: 30_000 },
    { at: 35_000, fault: "partition", groups: [[1], [0, 2, 3, 4]], healAt: 40_000 },
    { at: 42_000, fault: "loss", probability: 0.5, nodes: [0, 4], healAt: 45_000 },
  ],
} as const;
const LONG_LOAD = { workEveryMs: 200, workUntilMs: 60_000 } as const;

describe("stability-based garbage collection", () => {
  for (const [variant, scenario] of VARIANTS) {
    it(`${variant}: over a minute of load the packets a node holds stay bounded, and every property holds`, () => {
      const run = (gcEveryMs: number) => {
        const nodes: MeasuredNode[] = [];
        const measured: AnyScenario = {
          ...scenario,
          create: () => {
            const node = new MeasuredNode(config(variant, { ...LONG_LOAD, gcEveryMs }));
            nodes.push(node);
            return node;
          },
        };
        const { summary } = executePlan(planRun(measured, { seed: 4, ...LONG }));
        expect(summary.violations, summary.replay).toEqual([]);
        return { nodes };
      };
      const collected = run(500);
      // Without collection a node would end holding every message it delivered (about 5 × 300).
      const broadcasts = Math.min(...collected.nodes.map((n) => n.deliveredCount));
      expect(broadcasts).toBeGreaterThan(1_200);
      for (const node of collected.nodes) {
        // At most what is broadcast while some node cannot report (a 5 s partition: ~125), with slack.
        expect(node.maxHeld, "most held at once, with collection").toBeLessThan(250);
        expect(node.heldCount, "held at the end, 4 s after the last broadcast").toBe(0);
        expect(node.queuedCount, "resends queued at the end").toBe(0);
      }
    });
  }
});

/** Rejoin nemesis: silent crashes that heal (the node restarts), restarts, and the usual weather. */
const REJOIN_NEMESIS: RandomNemesis = {
  verbs: ["crash", "restart", "partition", "loss", "delay", "duplicate"],
  ratePerSec: 0.4,
};

describe("crash-recovery: a restarted node rejoins", () => {
  it("n2 halts at 3 s and restarts at 6 s: it catches up on everything, never delivers twice, never reuses a sequence number", () => {
    for (const [, scenario] of VARIANTS) {
      const { summary } = executePlan(
        planRun(scenario, {
          seed: 9,
          nemesis: "none",
          faults: [{ at: 3_000, fault: "crash", node: 2, healAt: 6_000 }],
        }),
      );
      // n2 is judged on agreement as a rejoined node (checkBroadcastRun's `rejoined`).
      expect(summary.violations, `${scenario.name} ${summary.replay}`).toEqual([]);
    }
  });

  for (const [variant, scenario] of VARIANTS) {
    it(`${variant}: 50 seeds of crash, restart, partition, loss, delay, duplication: zero violations, rejoined nodes judged`, () => {
      let rejoinedJudged = 0;
      for (let seed = 1; seed <= 50; seed++) {
        const plan = planRun(scenario, { seed, nemesis: REJOIN_NEMESIS });
        const { summary } = executePlan(plan);
        expect(summary.violations, summary.replay).toEqual([]);
        const last = Math.max(
          ...summary.faults.map((f) =>
            Math.max(f.at, f.healAt ?? f.at, f.fault === "restart" ? f.at + (f.downMs ?? 0) : 0),
          ),
        );
        const restarts = summary.faults.filter(
          (f) => f.fault === "restart" || (f.fault === "crash" && f.healAt !== undefined),
        );
        if (restarts.length > 0 && summary.virtualMs - last >= 2_000) rejoinedJudged++;
      }
      expect(rejoinedJudged, "settled runs with a restarted node").toBeGreaterThanOrEqual(10);
    });
  }
});

/** A node whose storage forgets the keys under the given space-separated prefixes: a planted crash-recovery bug. */
function forgetting(keys: string): new (c: BroadcastConfig) => BroadcastNode {
  const forgotten = (k: string) => keys.split(" ").some((prefix) => k.startsWith(prefix));
  return class extends BroadcastNode {
    override start(env: Env<BroadcastMessage, BroadcastTimer>, recovered: boolean): void {
      const storage: DurableStorage = {
        get: (k) => (forgotten(k) ? undefined : env.storage.get(k)),
        put: (k, v) => env.storage.put(k, v),
        delete: (k) => env.storage.delete(k),
        keys: (prefix) => env.storage.keys(prefix).filter((k) => !forgotten(k)),
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
  };
}

describe("the checker catches planted crash-recovery bugs", () => {
  const cases = [
    [
      "broadcast/seq broadcast/own/",
      "a second time",
      "fifo",
      "a node that forgets its sequence counter (and the messages it kept) reuses ids",
    ],
    [
      "broadcast/delivered",
      "(no duplication)",
      "reliable",
      "a node that forgets its deliveries delivers again what peers resend it",
    ],
    [
      "broadcast/delivered",
      "(agreement)",
      "fifo",
      "a FIFO node that forgets its deliveries waits forever for messages already collected",
    ],
  ] as const;
  for (const [key, property, variant, name] of cases) {
    it(name, () => {
      const Node = forgetting(key);
      const planted: AnyScenario = {
        ...(variant === "fifo" ? broadcastFifoScenario : broadcastReliableScenario),
        create: () => new Node(config(variant)),
      };
      const faults = [{ at: 3_000, fault: "crash" as const, node: 2, healAt: 3_500 }];
      const { violations } = executePlan(
        planRun(planted, { seed: 9, nemesis: "none", faults }),
      ).summary;
      expect(
        violations.some((v) => v.includes(property)),
        violations.slice(0, 5).join("\n"),
      ).toBe(true);
    });
  }
});
