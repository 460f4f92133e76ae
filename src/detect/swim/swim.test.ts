import { describe, expect, it } from "vitest";
import { ManualNet } from "../testing/manual-net.js";
import { SWIM_DEFAULTS, SWIM_PLAIN, type SwimConfig } from "./config.js";
import type { SwimMsg, SwimTimer, SwimUpdate } from "./messages.js";
import type { SwimNode } from "./node.js";
import { swimProtocol } from "./protocol.js";

const FAST: Partial<SwimConfig> = {
  probeIntervalMs: 100,
  probeTimeoutMs: 40,
  syncIntervalMs: 1000,
};

function cluster(n: number, config: Partial<SwimConfig> = {}, seed = 3) {
  const cfg = { ...SWIM_DEFAULTS, ...FAST, ...config };
  return new ManualNet<SwimMsg, SwimTimer>({
    ids: Array.from({ length: n }, (_, i) => i),
    create: (id) => swimProtocol.create(id, cfg),
    validate: swimProtocol.validate,
    latencyMs: 1,
    seed,
  });
}

const swim = (net: ManualNet<SwimMsg, SwimTimer>, id: number) => net.node<SwimNode>(id);
const about = (net: ManualNet<SwimMsg, SwimTimer>, peer: number) =>
  net.events
    .filter((e) => e.event.peer === peer)
    .map((e) => `${e.atMs} n${e.node} ${e.event.type}`);

describe("SWIM (Das, Gupta, Motivala 2002)", () => {
  it("§3.1: a member unreachable directly but reachable through others is never suspected (ping-req)", () => {
    const net = cluster(5);
    net.startAll();
    net.cut(0, 4);
    net.runUntil(10_000);
    expect(about(net, 4)).toEqual([]);
    expect(about(net, 0)).toEqual([]);
    const viaRelay = net.sent.filter((s) => s.msg.type === "pingReq" && s.msg.target === 4);
    expect(viaRelay.length).toBeGreaterThan(0);
    expect(net.sent.some((s) => s.msg.type === "pingReqOk" && s.to === 0)).toBe(true);
  });

  it("§3: without suspicion, a failed probe declares the member dead at once", () => {
    const net = cluster(5, { suspicion: false });
    net.startAll();
    net.runUntil(500);
    net.crash(4);
    net.runUntil(3000);
    const types = net.events.filter((e) => e.event.peer === 4).map((e) => e.event.type);
    expect(types).not.toContain("suspect");
    expect(new Set(net.events.filter((e) => e.event.type === "dead").map((e) => e.node))).toEqual(
      new Set([0, 1, 2, 3]),
    );
  });

  it("§4.2: a suspected member refutes with a higher incarnation, and every view takes it back", () => {
    const net = cluster(5);
    net.startAll();
    net.runUntil(1000);
    for (const to of [0, 1, 2, 3]) net.cutOneWay(4, to); // n4 hears, but cannot answer
    // heal as soon as anyone suspects n4: well within the suspicion timeout
    const suspected = () =>
      [0, 1, 2, 3].some(
        (id) =>
          swim(net, id)
            .view()
            .find((m) => m.id === 4)?.state === "suspect",
      );
    for (let t = 1000; !suspected() && t < 3000; t += 10) net.runUntil(t + 10);
    expect(suspected()).toBe(true);
    net.heal();
    net.runUntil(3000);
    expect(swim(net, 4).selfIncarnation()).toBe(1);
    for (const id of [0, 1, 2, 3]) {
      expect(
        swim(net, id)
          .view()
          .find((m) => m.id === 4),
      ).toEqual({ id: 4, state: "alive", incarnation: 1 });
    }
    const lines = about(net, 4);
    expect(lines.filter((l) => l.endsWith("dead"))).toEqual([]);
    expect(lines.filter((l) => l.endsWith("trust")).length).toBeGreaterThanOrEqual(1);
  });

  it("§4.2: incarnations survive a restart (synced before use), so a restarted member overrides its old death", () => {
    const net = cluster(5);
    net.startAll();
    net.runUntil(500);
    net.crash(4);
    net.runUntil(4000);
    expect(
      swim(net, 0)
        .view()
        .find((m) => m.id === 4)?.state,
    ).toBe("dead");
    net.restart(4);
    net.runUntil(6000);
    expect(swim(net, 4).selfIncarnation()).toBeGreaterThanOrEqual(1);
    for (const id of [0, 1, 2, 3])
      expect(
        swim(net, id)
          .view()
          .find((m) => m.id === 4)?.state,
      ).toBe("alive");
  });

  it("§5: joins through a seed member, and a late joiner is learned by everyone", () => {
    const net = cluster(5, { seeds: [0] });
    net.startAll([0, 1, 2, 3]);
    net.runUntil(2000);
    for (const id of [0, 1, 2, 3]) {
      expect(
        swim(net, id)
          .view()
          .map((m) => `${m.id}:${m.state}`),
      ).toEqual([0, 1, 2, 3].filter((p) => p !== id).map((p) => `${p}:alive`));
    }
    net.start(4, false);
    net.runUntil(4000);
    for (const id of [0, 1, 2, 3])
      expect(
        swim(net, id)
          .view()
          .map((m) => m.id),
      ).toContain(4);
    expect(
      swim(net, 4)
        .view()
        .map((m) => m.id),
    ).toEqual([0, 1, 2, 3]);
    expect(net.eventLines("suspect")).toEqual([]);
  });

  it("graceful leave: the others mark the member left, never suspect or dead", () => {
    const net = cluster(5);
    net.startAll();
    net.runUntil(1000);
    swim(net, 4).stop();
    net.crash(4);
    net.runUntil(5000);
    expect(about(net, 4).map((l) => l.split(" ")[2])).toEqual(["left", "left", "left", "left"]);
    for (const id of [0, 1, 2, 3])
      expect(
        swim(net, id)
          .view()
          .find((m) => m.id === 4)?.state,
      ).toBe("left");
  });

  it("a fail-stop notice declares the member dead at once", () => {
    const net = cluster(3);
    net.startAll();
    net.runUntil(100);
    swim(net, 0).onNotice({ type: "peerStopped", peer: 2 });
    expect(net.eventLines("dead")).toEqual(['100 n0 {"type":"dead","peer":2}']);
  });
});

describe("Lifeguard (Dadgar et al. 2018)", () => {
  const suspect = (member: number, source: number): SwimMsg => ({
    type: "gossip",
    updates: [{ member, state: "suspect", incarnation: 0, source } satisfies SwimUpdate],
  });
  // Only n0 runs; its first probe is at 1000 ms, so the hand-fed suspicions are all it knows.
  // n = 5: min = 4·1·1000 = 4000 ms, max = 6·min = 24000 ms, k = 4 − 2 = 2.
  function lone(config: Partial<SwimConfig>) {
    const net = cluster(5, {
      probeIntervalMs: 1000,
      probeTimeoutMs: 500,
      syncIntervalMs: 60_000,
      ...config,
    });
    net.startAll([0]);
    return net;
  }

  it("§IV-B golden: each independent confirmation shortens the suspicion; k of them bring it to the minimum", () => {
    const net = lone({});
    net.runUntil(100);
    net.deliver(1, 0, suspect(4, 1)); // timeout 24000
    net.runUntil(200);
    net.deliver(2, 0, suspect(4, 2)); // c = 1: 24000 − 20000·log 2/log 3 = 11381
    net.deliver(2, 0, suspect(4, 2)); // the same source again is no confirmation
    net.runUntil(300);
    net.deliver(3, 0, suspect(4, 3)); // c = 2 = k: the minimum, 4000 from the start
    net.runUntil(30_000);
    expect(net.eventLines().filter((l) => l.includes('"peer":4'))).toEqual([
      '100 n0 {"type":"suspect","peer":4}',
      '4100 n0 {"type":"dead","peer":4}',
    ]);
  });

  it("§IV-B golden: one confirmation alone leaves the timeout part-way", () => {
    const net = lone({});
    net.runUntil(100);
    net.deliver(1, 0, suspect(4, 1));
    net.runUntil(200);
    net.deliver(2, 0, suspect(4, 2));
    net.runUntil(30_000);
    expect(net.eventLines("dead").filter((l) => l.includes('"peer":4'))).toEqual([
      '11481 n0 {"type":"dead","peer":4}',
    ]);
  });

  it("§IV-B: without dynamic suspicion the timeout is the fixed minimum", () => {
    const net = lone({ dynamicSuspicion: false });
    net.runUntil(100);
    net.deliver(1, 0, suspect(4, 1));
    net.runUntil(30_000);
    expect(net.eventLines("dead").filter((l) => l.includes('"peer":4'))).toEqual([
      '4100 n0 {"type":"dead","peer":4}',
    ]);
  });

  it("§IV-A: a member that hears no acks and no nacks raises its health multiplier and slows its probing; healthy ones stay at 1", () => {
    const net = cluster(5);
    net.startAll();
    net.runUntil(1000);
    for (const from of [1, 2, 3, 4]) net.cutOneWay(from, 0);
    net.runUntil(4000);
    expect(swim(net, 0).healthMultiplier()).toBe(SWIM_DEFAULTS.healthMax);
    for (const id of [1, 2, 3, 4]) expect(swim(net, id).healthMultiplier()).toBe(1);
    const pings = (from: number, t0: number, t1: number) =>
      net.sent.filter(
        (s) => s.from === from && s.msg.type === "ping" && s.atMs >= t0 && s.atMs < t1,
      ).length;
    expect(pings(0, 3000, 4000)).toBeLessThanOrEqual(2); // 8× slower than one per 100 ms
    net.heal();
    net.runUntil(20_000);
    expect(swim(net, 0).healthMultiplier()).toBe(1);
  });

  it("§IV-A: with nacks from relays, a member whose target is really dead does not blame itself", () => {
    const net = cluster(5);
    net.startAll();
    net.runUntil(500);
    net.crash(4);
    net.runUntil(3000);
    for (const id of [0, 1, 2, 3]) expect(swim(net, id).healthMultiplier()).toBe(1);
    expect(net.sent.some((s) => s.msg.type === "pingReqNack")).toBe(true);
  });

  it("§IV-C buddy system: the first message to a suspected member carries its suspicion first", () => {
    const net = cluster(5);
    net.startAll();
    net.runUntil(1000);
    for (const to of [0, 1, 2, 3]) net.cutOneWay(4, to);
    net.runUntil(1300);
    const toSuspect = net.sent.filter(
      (s) =>
        s.to === 4 &&
        s.atMs > 1000 &&
        swim(net, s.from)
          .view()
          .find((m) => m.id === 4)?.state === "suspect",
    );
    expect(toSuspect.length).toBeGreaterThan(0);
    const last = toSuspect.at(-1)!;
    const updates = "updates" in last.msg ? last.msg.updates : [];
    expect(updates[0]).toMatchObject({ member: 4, state: "suspect" });
  });

  it("plain SWIM has health fixed at 1 and never nacks", () => {
    const net = cluster(5, SWIM_PLAIN);
    net.startAll();
    for (const from of [1, 2, 3, 4]) net.cutOneWay(from, 0);
    net.runUntil(3000);
    expect(swim(net, 0).healthMultiplier()).toBe(1);
    expect(net.sent.some((s) => s.msg.type === "pingReqNack")).toBe(false);
  });
});

describe("SWIM messages", () => {
  it("validate names the bad field", () => {
    const v = swimProtocol.validate;
    expect(v({ type: "ping", msgId: 1, updates: [] })).toBeUndefined();
    expect(v({ type: "ping", msgId: -1, updates: [] })).toBe(
      "msgId: expected a non-negative integer, got -1",
    );
    expect(v({ type: "ping", msgId: 1, updates: [{ member: 1 }] })).toMatch(
      /^updates\[0\]: expected an update/,
    );
    expect(v({ type: "pingReq", msgId: 1, updates: [] })).toBe(
      "target: expected a non-negative integer, got nothing",
    );
    expect(v({ type: "gossip", updates: new Array(65).fill(0) })).toBe(
      "updates: expected at most 64 items, got 65",
    );
    expect(
      v({ type: "joinOk", members: [{ member: 1, state: "zombie", incarnation: 0, source: 1 }] }),
    ).toMatch(/^members\[0\]/);
  });

  it("config: named limits", () => {
    const c = (o: Partial<SwimConfig>) => swimProtocol.checkConfig({ ...SWIM_DEFAULTS, ...o });
    expect(c({ probeTimeoutMs: 1000 })).toBe(
      "probeTimeoutMs: expected less than probeIntervalMs (1000), got 1000",
    );
    expect(c({ indirectProbes: 17 })).toBe(
      "indirectProbes: expected an integer in [0, 16], got 17",
    );
    expect(c({ seeds: [-1] })).toBe("seeds[0]: expected a node id, got -1");
    expect(c({ blameSelfWhenUnheard: "yes" as unknown as boolean })).toBe(
      "blameSelfWhenUnheard: expected a boolean, got yes",
    );
  });
});
