import { describe, expect, it } from "vitest";
import type { Env } from "../core/env.js";
import { Simulation } from "../sim/index.js";
import { GROUP_COMMIT_TAG, GroupCommit } from "./group-commit.js";
import { RAFT_LOAD_DEFAULTS, type RaftLoadConfig } from "./load-config.js";
import { historyOfKvEvents } from "./load-history.js";
import { raftLoadProtocol } from "./load-protocol.js";
import { kvDigest } from "./load-server.js";
import { percentile, summarizeLatencies } from "./load-stats.js";
import type { RaftMessage } from "./messages.js";
import { checkKvHistory } from "./testing/kv-history.js";

const MIXED: RaftLoadConfig = {
  ...RAFT_LOAD_DEFAULTS,
  clients: 8,
  workload: "mixed",
  keys: 4,
  recordOps: true,
  warmupMs: 500,
  durationMs: 3000,
  reportMs: 500,
};

function simulate(config: RaftLoadConfig, nodes: number, seed: number) {
  const sim = new Simulation<RaftMessage, string>({
    seed,
    nodeCount: nodes,
    create: (id) => raftLoadProtocol.create(id, config),
    validate: (msg) => raftLoadProtocol.validate(msg),
  });
  return sim;
}

describe("raft-load in the simulator", () => {
  it("runs concurrent clients in one driver node, each getting its own replies; the history is linearizable", () => {
    const sim = simulate(MIXED, 4, 7);
    // Kill the first leader mid-run: the driver's clients must ride through it.
    sim.at(1500, () => {
      const leader = sim
        .events()
        .findLast((e) => e.event.type === "raftRole" && e.event.role === "leader");
      sim.restart({ node: leader?.node ?? 0, downMs: 500 });
    });
    sim.run(5000);
    const leaders = sim
      .events()
      .filter((e) => e.event.type === "raftRole" && e.event.role === "leader");
    expect(leaders.some((e) => e.t > 1500 && e.t < 3500)).toBe(true);
    const events = sim.events().filter((e) => e.node === 3);
    const history = historyOfKvEvents(events.map((e) => ({ atMs: e.t, event: e.event })));
    const processes = new Set(history.map((op) => op.process));
    // Every logical client ran operations: replies reached the client that asked.
    expect([...processes].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 8 }, (_, c) => 3 * 4096 + c),
    );
    const ok = history.filter((op) => op.status === "ok").length;
    expect(ok).toBeGreaterThan(200);
    expect(checkKvHistory(history, ["a", "b", "c", "d"]).verdict).toBe("ok");
    const [result] = events.filter((e) => e.event.type === "loadResult");
    expect(result?.event).toMatchObject({ clients: 8, workload: "mixed", measuredMs: 3000 });
    // The driver's own count agrees with the history: ok operations returned inside the window.
    const windowOk = history.filter(
      (op) => op.status === "ok" && op.ret >= 500 && op.ret < 3500,
    ).length;
    expect(result?.event.ok).toBe(windowOk);
    // After the window the clients stop: nothing is called after it.
    expect(history.every((op) => op.call <= 3500)).toBe(true);
  });

  it("measures what the history shows: throughput and latency of puts", () => {
    const config = { ...RAFT_LOAD_DEFAULTS, clients: 16, recordOps: true, durationMs: 2000 };
    const sim = simulate(config, 4, 3);
    sim.run(3500);
    const events = sim.events().filter((e) => e.node === 3);
    const history = historyOfKvEvents(events.map((e) => ({ atMs: e.t, event: e.event })));
    expect(
      history.every((op) => op.f === "put" && (op.input as { value: string }).value.length === 256),
    ).toBe(true);
    const inWindow = history.filter((op) => op.status === "ok" && op.ret >= 1000 && op.ret < 3000);
    const result = events.find((e) => e.event.type === "loadResult")?.event;
    expect(result?.ok).toBe(inWindow.length);
    expect(result?.okPerSec).toBe(inWindow.length / 2);
    const expected = summarizeLatencies(inWindow.map((op) => op.ret - op.call));
    expect(result?.p50Ms).toBe(expected.p50Ms);
    expect(result?.p99Ms).toBe(expected.p99Ms);
    expect(expected.p50Ms).toBeGreaterThan(0);
  });

  it("servers report equal digests of equal state machines once the load stops", () => {
    const config = { ...MIXED, servers: 5, durationMs: 1500, reportMs: 200 };
    const sim = simulate(config, 6, 11);
    sim.run(4000);
    const last = new Map<number, Record<string, unknown>>();
    for (const e of sim.events()) if (e.event.type === "raftState") last.set(e.node, e.event);
    expect([...last.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
    const states = [...last.values()];
    expect(new Set(states.map((s) => s.digest)).size).toBe(1);
    expect(new Set(states.map((s) => s.appliedIndex)).size).toBe(1);
    expect(states[0]?.appliedIndex).toBeGreaterThan(100);
  });

  it("refuses bad configurations with the field and the reason", () => {
    const check = (over: Record<string, unknown>) =>
      raftLoadProtocol.checkConfig({ ...RAFT_LOAD_DEFAULTS, ...over } as RaftLoadConfig);
    expect(check({})).toBeUndefined();
    expect(check({ clients: 0 })).toMatch(/^clients: expected an integer in \[1, 4096\], got 0/);
    expect(check({ workload: "reads" })).toMatch(/^workload: expected "puts" or "mixed"/);
    expect(check({ workload: "mixed", keys: 27 })).toMatch(/^keys: .*at most 26/);
    expect(check({ valueBytes: 70_000 })).toMatch(/^valueBytes: /);
    expect(check({ backoffMsMin: 300 })).toMatch(/^backoffMsMin: expected at most backoffMsMax/);
    expect(check({ tickMs: 0 })).toMatch(/^tickMs: /);
    expect(check({ clients: 2000 })).toMatch(/^clients: expected at most sessionsMax \(1024\)/);
    expect(() => raftLoadProtocol.create(0, { ...RAFT_LOAD_DEFAULTS, servers: 0 })).toThrow(
      /raft-load config: servers: /,
    );
  });

  it("drivers whose clients together exceed the servers' sessions fail at start, saying so", () => {
    const sim = simulate({ ...RAFT_LOAD_DEFAULTS, clients: 600 }, 5, 1);
    sim.run(100);
    expect(sim.violation()?.message).toMatch(/2 drivers × 600 clients exceed sessionsMax 1024/);
  });

  it("a driver configured with more servers than the cluster has fails at start, saying so", () => {
    const sim = simulate({ ...RAFT_LOAD_DEFAULTS, servers: 5 }, 4, 1);
    sim.run(100);
    expect(sim.violation()?.message).toMatch(/5 servers configured but the cluster has 4 nodes/);
  });
});

describe("load helpers", () => {
  it("percentiles are nearest-rank", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 0.5)).toBe(50);
    expect(percentile(xs, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
    expect(summarizeLatencies([3, 1, 2])).toMatchObject({
      samples: 3,
      p50Ms: 2,
      maxMs: 3,
      meanMs: 2,
    });
  });

  it("the digest tells states apart", () => {
    const a = kvDigest([
      ["a", "1"],
      ["b", "2"],
    ]);
    expect(
      kvDigest([
        ["a", "1"],
        ["b", "2"],
      ]),
    ).toBe(a);
    expect(
      kvDigest([
        ["a", "2"],
        ["b", "1"],
      ]),
    ).not.toBe(a);
    expect(
      kvDigest([
        ["a", "1b"],
        ["", "2"],
      ]),
    ).not.toBe(a);
    expect(kvDigest([])).toMatch(/^[0-9a-f]{8}$/);
  });

  it("a return without a call is refused", () => {
    expect(() =>
      historyOfKvEvents([{ atMs: 1, event: { type: "kvReturn", process: 1, status: "ok" } }]),
    ).toThrow(/process 1 has no open operation/);
  });
});

describe("group commit", () => {
  /** A host that logs what reaches it, in order. */
  function fakeHost() {
    const calls: string[] = [];
    const timers: string[] = [];
    const env = {
      self: 0,
      cluster: [0, 1],
      now: () => 0,
      send: (to: number, msg: string) => calls.push(`send ${to} ${msg}`),
      setTimer: (_ms: number, tag: string) => timers.push(tag),
      cancelTimer: () => {},
      random: () => 0.5,
      buggify: () => false,
      storage: {
        get: () => undefined,
        put: (key: string) => calls.push(`put ${key}`),
        delete: () => {},
        keys: () => [],
        sync: () => calls.push("sync"),
        recovery: { recordsRecovered: 0, recordsTruncated: 0 },
      },
      emit: () => {},
      log: { debug() {}, info() {}, warn() {}, error() {} },
      metrics: { inc() {}, set() {}, observe() {} },
    } as unknown as Env<string, string>;
    return { env, calls, timers };
  }

  it("holds every message sent after a sync was asked until one real sync, then sends them in order", () => {
    const { env, calls, timers } = fakeHost();
    const group = new GroupCommit(env);
    const node = group.wrap();
    node.send(1, "before"); // nothing owed: leaves at once
    for (let i = 0; i < 3; i++) {
      node.storage.put(`k${i}`, i);
      node.storage.sync();
      node.send(1, `m${i}`);
    }
    expect(calls).toEqual(["send 1 before", "put k0", "put k1", "put k2"]);
    expect(timers).toEqual([GROUP_COMMIT_TAG]); // one flush armed for the whole burst
    group.flush();
    expect(calls.slice(4)).toEqual(["sync", "send 1 m0", "send 1 m1", "send 1 m2"]);
    expect(group.counts).toEqual({ syncsAsked: 3, syncsDone: 1, heldMessages: 3 });
    node.send(1, "after");
    expect(calls.at(-1)).toBe("send 1 after");
  });

  // The simulator delivers each message at its own virtual instant, so groups are mostly of one
  // there; the batching itself shows on real processes (load.net.test.ts). Here: still correct.
  it("in the simulator, Raft with group commit syncs and stays linearizable", () => {
    const sim = simulate({ ...MIXED, groupCommit: true, clients: 16 }, 4, 5);
    sim.run(4000);
    const history = historyOfKvEvents(
      sim
        .events()
        .filter((e) => e.node === 3)
        .map((e) => ({ atMs: e.t, event: e.event })),
    );
    expect(checkKvHistory(history, ["a", "b", "c", "d"]).verdict).toBe("ok");
    const state = sim.events().findLast((e) => e.event.type === "raftState" && e.node === 0)?.event;
    expect(Number(state?.syncsDone)).toBeGreaterThan(0);
    expect(Number(state?.syncsDone)).toBeLessThanOrEqual(Number(state?.syncsAsked));
  });
});
