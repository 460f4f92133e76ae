import { describe, expect, it } from "vitest";
import type { NodeId, ProtocolNode } from "../../core/index.js";
import { Simulation } from "../../sim/simulation.js";
import { SWIM_DEFAULTS, SWIM_PLAIN, type SwimConfig } from "./config.js";
import type { SwimMsg, SwimTimer } from "./messages.js";
import { SwimNode } from "./node.js";
import { swimProtocol } from "./protocol.js";
import { ReceiveStalled, type StallTimer } from "./receive-stall.js";

// The QoS bench's SWIM settings: 200 ms periods, 80 ms probe timeout. n = 8, so the
// suspicion timeout is min 4·1·200 = 800 ms, max 6·800 = 4,800 ms, k = 2 confirmations.
const BASE: Partial<SwimConfig> = {
  probeIntervalMs: 200,
  probeTimeoutMs: 80,
  syncIntervalMs: 2000,
};
const N = 8;
const LIFEGUARD: SwimConfig = { ...SWIM_DEFAULTS, ...BASE };
const PLAIN: SwimConfig = { ...SWIM_PLAIN, ...BASE };
/** Lifeguard as the paper and memberlist have it, without our self-blame rule. */
const PAPER: SwimConfig = { ...LIFEGUARD, blameSelfWhenUnheard: false };

type Node = ProtocolNode<SwimMsg, SwimTimer | StallTimer>;

function sim(config: SwimConfig, wrap?: (id: NodeId, node: SwimNode) => Node, seed = 1) {
  return new Simulation<SwimMsg, SwimTimer | StallTimer>({
    seed,
    nodeCount: N,
    keepTrace: true,
    create: (id) => {
      const node = new SwimNode(config);
      return wrap === undefined ? node : wrap(id, node);
    },
    validate: swimProtocol.validate,
  });
}

function swimAt(s: Simulation<SwimMsg, SwimTimer | StallTimer>, id: NodeId): SwimNode {
  const node = s.node(id);
  if (node instanceof ReceiveStalled) return node.unwrap() as SwimNode;
  return node as unknown as SwimNode;
}

/** Accusations (`suspect`, `dead`) in [from, to) of members other than `impaired`. */
function accusationsOfOthers(
  s: Simulation<SwimMsg, SwimTimer | StallTimer>,
  impaired: NodeId,
  from: number,
  to: number,
) {
  return s
    .events()
    .filter(
      (e) =>
        e.t >= from &&
        e.t < to &&
        e.event.peer !== impaired &&
        (e.event.type === "suspect" || e.event.type === "dead"),
    )
    .map((e) => `${Math.round(e.t)} n${e.node} ${e.event.type} n${e.event.peer}`);
}

/** n1's receive loop stalls for 2 s at 5 s (Lifeguard's slow-processing anomaly). */
const stallN1 = (id: NodeId, node: SwimNode): Node =>
  id === 1 ? new ReceiveStalled(node, [{ atMs: 5000, durationMs: 2000 }]) : node;

describe("Lifeguard in the simulator: a member whose receive loop stalls 2 s", () => {
  it("plain SWIM: the stalled member accuses healthy members and declares them dead", () => {
    const s = sim(PLAIN, stallN1);
    s.run(10_000);
    const wrong = accusationsOfOthers(s, 1, 5000, 10_000);
    expect(wrong.filter((l) => l.includes("n1 suspect")).length).toBeGreaterThanOrEqual(3);
    expect(wrong.some((l) => l.includes(" dead "))).toBe(true);
  });

  it("local health: the stalled member's multiplier climbs, it withholds its suspicions, no healthy member is accused, and the multiplier recovers", () => {
    const s = sim(LIFEGUARD, stallN1);
    s.run(5000);
    expect(swimAt(s, 1).healthMultiplier()).toBe(1);
    s.run(6990);
    // first unheard probe: +3 (three relays, no nack), the next (800 ms later): +3 more
    expect(swimAt(s, 1).healthMultiplier()).toBe(7);
    s.run(10_000);
    expect(accusationsOfOthers(s, 1, 2000, 10_000)).toEqual([]);
    expect(s.metrics().counters["swim.suspicionsWithheld"] ?? 0).toBeGreaterThanOrEqual(2);
    for (const id of [0, 2, 3, 4, 5, 6, 7]) expect(swimAt(s, id).healthMultiplier()).toBe(1);
    s.run(16_000);
    expect(swimAt(s, 1).healthMultiplier()).toBe(1);
  });

  it("local health stretches only failing probes: once its probes are answered again, the member probes at the base period (memberlist's behaviour)", () => {
    const s = sim(LIFEGUARD, stallN1);
    s.run(7000);
    expect(swimAt(s, 1).healthMultiplier()).toBe(7);
    s.run(9000);
    // at 200 ms periods: 5 probes a second; with every period stretched by the multiplier
    // (7×, 6×, … after the stall) there would be one or two
    const pings = s
      .trace()
      .filter(
        (r) =>
          r.ev === "send" &&
          r.from === 1 &&
          r.t >= 8000 &&
          r.t < 9000 &&
          (r.msg as SwimMsg).type === "ping",
      );
    expect(pings.length).toBeGreaterThanOrEqual(4);
    expect(swimAt(s, 1).healthMultiplier()).toBe(1);
  });

  it("without the self-blame rule (the paper's Lifeguard): healthy members are suspected, but dynamic suspicion and the buddy system keep every one of them from being declared dead", () => {
    const s = sim(PAPER, stallN1);
    s.run(10_000);
    const wrong = accusationsOfOthers(s, 1, 5000, 10_000);
    expect(wrong.some((l) => l.includes("n1 suspect"))).toBe(true);
    expect(wrong.filter((l) => l.includes(" dead "))).toEqual([]);
  });

  it("the same stall under plain SWIM with only the self-blame rule added is not enough without nacks (relays nack only with local health on)", () => {
    const s = sim({ ...PLAIN, blameSelfWhenUnheard: true }, stallN1);
    s.run(10_000);
    expect(accusationsOfOthers(s, 1, 5000, 10_000).length).toBeGreaterThan(0);
  });
});

describe("Lifeguard in the simulator: a member cut off from everyone", () => {
  /** n1 partitioned away from 5 s to 25 s: when it first suspected each other member. */
  function isolated(config: SwimConfig): Map<NodeId, number> {
    const s = sim(config);
    s.schedule(5000, {
      verb: "partition",
      groups: [[1], [0, 2, 3, 4, 5, 6, 7]],
      durationMs: 20_000,
    });
    s.run(25_000);
    const first = new Map<NodeId, number>();
    for (const e of s.events())
      if (e.node === 1 && e.event.type === "suspect" && !first.has(e.event.peer as NodeId))
        first.set(e.event.peer as NodeId, e.t);
    return first;
  }

  it("still suspects every member it cannot reach: the self-blame rule delays its first suspicions, then accuses the withheld members at once, finishing no later than without the rule", () => {
    const withRule = isolated(LIFEGUARD);
    const without = isolated(PAPER);
    expect([...withRule.keys()].sort()).toEqual([0, 2, 3, 4, 5, 6, 7]);
    expect([...without.keys()].sort()).toEqual([0, 2, 3, 4, 5, 6, 7]);
    const firstOf = (m: Map<NodeId, number>) => Math.min(...m.values());
    const lastOf = (m: Map<NodeId, number>) => Math.max(...m.values());
    // three withheld probes (multiplier 1 → 4 → 7 → 8) before the first accusation …
    expect(firstOf(withRule)).toBeGreaterThan(firstOf(without) + 2000);
    // … which takes the withheld members along: several accused at the same instant
    const atFirst = [...withRule.values()].filter((t) => t === firstOf(withRule)).length;
    expect(atFirst).toBeGreaterThanOrEqual(3);
    expect(lastOf(withRule)).toBeLessThanOrEqual(lastOf(without) + 1);
  });
});

describe("Lifeguard in the simulator: a member paused 2 s (the whole process, timers too)", () => {
  it("everyone suspects the paused member; on resume it refutes and its health multiplier rises; nobody else is accused", () => {
    const s = sim(LIFEGUARD);
    s.schedule(5000, { verb: "pause", node: 1, durationMs: 2000 });
    s.run(6999);
    const incarnation = swimAt(s, 1).selfIncarnation();
    const suspecters = new Set(
      s
        .events()
        .filter((e) => e.event.peer === 1 && e.event.type === "suspect")
        .map((e) => e.node),
    );
    expect([...suspecters].sort()).toEqual([0, 2, 3, 4, 5, 6, 7]);
    s.run(7001);
    expect(swimAt(s, 1).selfIncarnation()).toBeGreaterThan(incarnation);
    expect(swimAt(s, 1).healthMultiplier()).toBeGreaterThan(1);
    s.run(10_000);
    expect(accusationsOfOthers(s, 1, 2000, 10_000)).toEqual([]);
    for (const id of [0, 2, 3, 4, 5, 6, 7]) {
      expect(
        swimAt(s, id)
          .view()
          .find((m) => m.id === 1)?.state,
      ).toBe("alive");
    }
  });
});

describe("Lifeguard in the simulator: dynamic suspicion timeouts", () => {
  /** For a crash of n7 at 5,010 ms: each observer's suspicion timeouts of n7, sampled every ms until it is declared dead. */
  function timeoutsAfterCrash(config: SwimConfig) {
    const s = sim(config);
    s.schedule(5010, { verb: "crash", node: 7 });
    const seen = new Map<NodeId, number[]>();
    for (let t = 5010; t < 9000; t += 1) {
      s.run(t);
      for (let id = 0; id < 7; id++) {
        const timeout = swimAt(s, id).suspicionTimeoutOf(7);
        if (timeout === undefined) continue;
        const list = seen.get(id) ?? [];
        if (list.at(-1) !== timeout) list.push(timeout);
        seen.set(id, list);
      }
    }
    const events = s.events().filter((e) => e.event.peer === 7);
    const start = (id: NodeId) =>
      events.find((e) => e.node === id && e.event.type === "suspect")?.t;
    const dead = (id: NodeId) => events.find((e) => e.node === id && e.event.type === "dead")?.t;
    return { seen, start, dead };
  }

  it("a crashed member, suspected independently by many, has its timeout cut from the maximum to the minimum at every observer", () => {
    const { seen, start, dead } = timeoutsAfterCrash(LIFEGUARD);
    expect(seen.size).toBe(7);
    for (const [id, list] of seen) {
      // never grows, starts at most at the maximum, ends at the minimum
      for (let i = 1; i < list.length; i++) expect(list[i]!).toBeLessThan(list[i - 1]!);
      expect(list[0]!).toBeLessThanOrEqual(4800);
      expect(list.at(-1)).toBe(800);
      // dead by its own timer at the minimum, or a little earlier by another's verdict
      expect(dead(id)! - start(id)!).toBeLessThanOrEqual(800 + 1e-6);
    }
    expect([...seen.keys()].some((id) => Math.abs(dead(id)! - start(id)! - 800) < 1e-6)).toBe(true);
    // somebody began at the maximum: a first suspicion has no confirmations yet
    expect([...seen.values()].some((list) => list[0] === 4800)).toBe(true);
  });

  it("without dynamic suspicion the timeout is fixed at the minimum", () => {
    const { seen } = timeoutsAfterCrash({ ...LIFEGUARD, dynamicSuspicion: false });
    expect(seen.size).toBe(7);
    for (const list of seen.values()) expect(list).toEqual([800]);
  });
});

describe("Lifeguard in the simulator: the buddy system", () => {
  // Long suspicions (min 4 s at n = 8) and no full syncs: the suspected member can only
  // learn of its suspicion from piggybacked updates.
  const QUIET: Partial<SwimConfig> = { suspicionMult: 20, syncIntervalMs: 3_600_000 };

  /** n3 cut off both ways for 1.2 s at 5 s (suspected by all, hearing nothing), then healed: ms from the heal until it refutes. */
  function refuteAfterHeal(config: SwimConfig, seed: number): number {
    const s = sim({ ...config, ...QUIET }, undefined, seed);
    s.schedule(5000, {
      verb: "partition",
      groups: [[3], [0, 1, 2, 4, 5, 6, 7]],
      durationMs: 1200,
    });
    s.run(6200);
    const before = swimAt(s, 3).selfIncarnation();
    expect(
      s.events().filter((e) => e.event.peer === 3 && e.event.type === "suspect").length,
    ).toBeGreaterThan(0);
    for (let t = 6200; t < 20_000; t += 10) {
      s.run(t);
      if (swimAt(s, 3).selfIncarnation() > before) return t - 6200;
    }
    return Number.POSITIVE_INFINITY;
  }

  it("tells a suspected member at once: it refutes within two periods of the heal in every seed; without it, often only seconds later", () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const withBuddy = seeds.map((seed) =>
      refuteAfterHeal({ ...PLAIN, dynamicSuspicion: true, buddy: true }, seed),
    );
    const without = seeds.map((seed) =>
      refuteAfterHeal({ ...PLAIN, dynamicSuspicion: true, buddy: false }, seed),
    );
    // With it: the first message after the heal tells n3 (10 ms in every seed here).
    for (const ms of withBuddy) expect(ms).toBeLessThanOrEqual(400);
    // Without it: once the suspicion has used up its retransmissions, n3 hears of it only
    // from a late holder or the dead verdict (3.0-3.6 s after the heal in 4 of 9 seeds).
    expect(without.filter((ms) => ms >= 2000).length).toBeGreaterThanOrEqual(3);
  });
});
