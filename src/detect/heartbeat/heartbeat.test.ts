import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualNet } from "../testing/manual-net.js";
import { HEARTBEAT_DEFAULTS, type HeartbeatConfig } from "./config.js";
import type { HeartbeatMsg, HeartbeatTimer } from "./messages.js";
import type { HeartbeatNode } from "./node.js";
import { heartbeatProtocol } from "./protocol.js";

function cluster(n: number, config: Partial<HeartbeatConfig> = {}, seed = 1) {
  const cfg = { ...HEARTBEAT_DEFAULTS, ...config };
  const ids = Array.from({ length: n }, (_, i) => i);
  return new ManualNet<HeartbeatMsg, HeartbeatTimer>({
    ids,
    create: (id) => heartbeatProtocol.create(id, cfg),
    validate: heartbeatProtocol.validate,
    latencyMs: 1,
    seed,
  });
}

describe("heartbeat config", () => {
  it("accepts its defaults", () => {
    expect(heartbeatProtocol.checkConfig(HEARTBEAT_DEFAULTS)).toBeUndefined();
  });

  it("names the field and the reason for each bad value", () => {
    const bad = (c: Partial<HeartbeatConfig>) =>
      heartbeatProtocol.checkConfig({ ...HEARTBEAT_DEFAULTS, ...c });
    expect(bad({ intervalMs: 0 })).toBe("intervalMs: expected an integer in [1, 3600000], got 0");
    expect(bad({ intervalMs: 1.5 })).toMatch(/^intervalMs: expected an integer/);
    expect(bad({ deadlineMs: Number.NaN })).toMatch(/^deadlineMs: expected an integer/);
    expect(bad({ deadlineMs: 100 })).toBe(
      "deadlineMs: expected more than intervalMs (100), got 100",
    );
    expect(bad({ peerCountMax: -1 })).toMatch(/^peerCountMax: expected an integer in \[1,/);
  });

  it("refuses to build a node from a bad config", () => {
    expect(() => heartbeatProtocol.create(0, { ...HEARTBEAT_DEFAULTS, deadlineMs: 50 })).toThrow(
      /heartbeat config: deadlineMs/,
    );
  });
});

describe("heartbeat messages", () => {
  it("accepts a well-formed heartbeat", () => {
    expect(heartbeatProtocol.validate({ type: "heartbeat", seq: 3 })).toBeUndefined();
  });

  it("says what is wrong with a malformed one", () => {
    const v = heartbeatProtocol.validate;
    expect(v(null)).toBe("message: expected an object, got null");
    expect(v([1])).toBe("message: expected an object, got an array of 1");
    expect(v({ type: "ping" })).toBe('type: expected one of heartbeat, got "ping"');
    expect(v({ type: "heartbeat" })).toBe("seq: expected a non-negative integer, got nothing");
    expect(v({ type: "heartbeat", seq: -2 })).toBe("seq: expected a non-negative integer, got -2");
  });
});

describe("heartbeat detector", () => {
  it("golden: a crashed member is suspected exactly one deadline after its last heartbeat arrived", () => {
    const net = cluster(3);
    net.startAll();
    net.runUntil(1000); // n2's heartbeat of t=1000 is sent and arrives at 1001
    net.crash(2);
    net.runUntil(2000);
    expect(net.eventLines("suspect")).toEqual([
      '1501 n0 {"type":"suspect","peer":2}',
      '1501 n1 {"type":"suspect","peer":2}',
    ]);
    expect(net.node<HeartbeatNode>(0).suspects()).toEqual([2]);
    expect(net.node<HeartbeatNode>(0).view()).toEqual([
      { id: 1, state: "alive", incarnation: 0 },
      { id: 2, state: "suspect", incarnation: 0 },
    ]);
  });

  it("golden: a restarted member is trusted again on its first heartbeat", () => {
    const net = cluster(3);
    net.startAll();
    net.runUntil(1000);
    net.crash(2);
    net.runUntil(2000);
    net.restart(2); // heartbeats at once on start; they arrive at 2001
    net.runUntil(2500);
    expect(net.eventLines("trust")).toEqual([
      '2001 n0 {"type":"trust","peer":2}',
      '2001 n1 {"type":"trust","peer":2}',
    ]);
    expect(net.eventLines("view")).toEqual([
      '1501 n0 {"type":"view","suspects":[2]}',
      '1501 n1 {"type":"view","suspects":[2]}',
      '2001 n0 {"type":"view","suspects":[]}',
      '2001 n1 {"type":"view","suspects":[]}',
    ]);
  });

  it("never suspects a connected member, and each node heartbeats every peer once per interval", () => {
    const net = cluster(4);
    net.startAll();
    net.runUntil(10_000);
    expect(net.events).toEqual([]);
    // ticks at 0, 100, …, 10000: 101 per node, to 3 peers each
    expect(net.sent.length).toBe(4 * 101 * 3);
  });

  it("both sides of a partition suspect each other, and trust again within an interval of the heal", () => {
    const net = cluster(4);
    net.startAll();
    net.runUntil(1000);
    net.partition([
      [0, 1],
      [2, 3],
    ]);
    net.runUntil(3000);
    const suspects = (id: number) => net.node<HeartbeatNode>(id).suspects();
    expect([0, 1, 2, 3].map(suspects)).toEqual([
      [2, 3],
      [2, 3],
      [0, 1],
      [0, 1],
    ]);
    net.heal();
    net.runUntil(3000 + HEARTBEAT_DEFAULTS.intervalMs + 1);
    expect([0, 1, 2, 3].map(suspects)).toEqual([[], [], [], []]);
  });

  it("a fail-stop notice suspects the peer at once", () => {
    const net = cluster(3);
    net.startAll();
    net.runUntil(100);
    net.node<HeartbeatNode>(0).onNotice({ type: "peerStopped", peer: 1 });
    expect(net.eventLines("suspect")).toEqual(['100 n0 {"type":"suspect","peer":1}']);
  });

  it("ignores heartbeats from nodes outside the cluster", () => {
    const net = cluster(2);
    net.startAll();
    net.deliver(7, 0, { type: "heartbeat", seq: 1 });
    expect(
      net
        .node<HeartbeatNode>(0)
        .view()
        .map((m) => m.id),
    ).toEqual([1]);
  });

  it("property: suspicions only after a full deadline of silence; alternation; completeness", () => {
    const schedule = fc.record({
      seed: fc.integer({ min: 1, max: 1_000_000 }),
      lossRate: fc.constantFrom(0, 0.05, 0.3),
      crashAtMs: fc.integer({ min: 0, max: 3000 }),
      cutAtMs: fc.integer({ min: 0, max: 3000 }),
      cutForMs: fc.integer({ min: 0, max: 2000 }),
    });
    fc.assert(
      fc.property(schedule, ({ seed, lossRate, crashAtMs, cutAtMs, cutForMs }) => {
        const deadlineMs = 300;
        const net = cluster(5, { intervalMs: 50, deadlineMs }, seed);
        net.lossRate = lossRate;
        net.startAll();
        const steps = [crashAtMs, cutAtMs, cutAtMs + cutForMs].sort((a, b) => a - b);
        for (const t of steps) {
          net.runUntil(t);
          if (t === crashAtMs && net.nodes.has(4)) net.crash(4);
          if (t === cutAtMs) net.cut(0, 1);
          if (t === cutAtMs + cutForMs) net.heal();
        }
        net.runUntil(6000);
        checkAccuracy(net, deadlineMs);
        checkAlternation(net);
        // completeness: the crashed n4 is suspected by every live node
        for (const id of [0, 1, 2, 3]) {
          expect(net.node<HeartbeatNode>(id).suspects()).toContain(4);
        }
      }),
      { numRuns: 60 },
    );
  });
});

/** Every `suspect` of p by a at t follows at least `deadlineMs` without a delivery p→a. */
function checkAccuracy(net: ManualNet<HeartbeatMsg, HeartbeatTimer>, deadlineMs: number): void {
  for (const e of net.events) {
    if (e.event.type !== "suspect") continue;
    const last = net.delivered
      .filter((d) => d.to === e.node && d.from === e.event.peer && d.order < e.order)
      .at(-1);
    const silentSinceMs = last?.atMs ?? 0;
    expect(e.atMs - silentSinceMs).toBeGreaterThanOrEqual(deadlineMs);
  }
}

/** About each peer, a node's events alternate suspect, trust, suspect, … starting with suspect. */
function checkAlternation(net: ManualNet<HeartbeatMsg, HeartbeatTimer>): void {
  const last = new Map<string, string>();
  for (const e of net.events) {
    if (e.event.type !== "suspect" && e.event.type !== "trust") continue;
    const key = `${e.node}:${String(e.event.peer)}`;
    const prev = last.get(key) ?? "trust";
    expect(e.event.type).not.toBe(prev);
    last.set(key, e.event.type);
  }
}
