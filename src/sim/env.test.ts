import { describe, expect, it } from "vitest";
import type { Env, ProtocolNode } from "../core/index.js";
import { type PingMsg, validatePing } from "./pingpong.js";
import { probeCluster } from "./probe-cluster.js";
import { Simulation } from "./simulation.js";

function custom(
  start: (env: Env<PingMsg>) => void,
  options: { buggify?: boolean; collectLogs?: boolean } = {},
) {
  return new Simulation<PingMsg>({
    seed: 11,
    nodeCount: 3,
    create: (): ProtocolNode<PingMsg> => ({ start, onMessage() {}, onTimer() {} }),
    validate: validatePing,
    ...options,
  });
}

describe("the simulated Env", () => {
  it("timers fire at their time, in order; cancelled ones never fire", () => {
    const { sim, logs, withNode } = probeCluster();
    withNode(0, (n) => {
      n.env.setTimer(30, "c");
      const b = n.env.setTimer(20, "b");
      n.env.setTimer(10, "a");
      n.env.setTimer(10, "a2");
      n.env.cancelTimer(b);
      n.env.cancelTimer(b);
    });
    sim.run(100);
    expect(logs[0]!.timers).toEqual([
      { t: 10, tag: "a" },
      { t: 10, tag: "a2" },
      { t: 30, tag: "c" },
    ]);
    expect(sim.counters().timersFired).toBe(3);
  });

  it("cluster, self and per-node random streams", () => {
    const draws: number[][] = [];
    const sim = custom((env) => {
      expect(env.cluster).toEqual([0, 1, 2]);
      draws[env.self] = [env.random(), env.random()];
    });
    sim.run(0);
    expect(draws[0]).not.toEqual(draws[1]);
    for (const d of draws.flat()) {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(1);
    }
  });

  it("buggify is always false unless enabled; enabled, some sites fire some of the time", () => {
    let fired = 0;
    const off = custom((env) => {
      for (let i = 0; i < 100; i++) if (env.buggify(`site${i}`)) fired++;
    });
    off.run(0);
    expect(fired).toBe(0);
    const perSite = new Map<string, number>();
    const on = custom(
      (env) => {
        for (let i = 0; i < 40; i++) {
          for (let k = 0; k < 100; k++) {
            if (env.buggify(`site${i}`))
              perSite.set(`site${i}`, (perSite.get(`site${i}`) ?? 0) + 1);
          }
        }
      },
      { buggify: true },
    );
    on.run(0);
    expect(perSite.size).toBeGreaterThan(3);
    expect(perSite.size).toBeLessThan(25);
    for (const count of perSite.values()) expect(count).toBeLessThan(150);
  });

  it("emit records events with time and node, for checks; listeners see them live", () => {
    const seen: string[] = [];
    const sim = custom((env) => env.emit({ type: "hello", from: env.self }));
    sim.onEmit((e) => seen.push(`${e.node}:${e.event.type}`));
    sim.run(0);
    expect(sim.events()).toEqual([
      { t: 0, node: 0, event: { type: "hello", from: 0 } },
      { t: 0, node: 1, event: { type: "hello", from: 1 } },
      { t: 0, node: 2, event: { type: "hello", from: 2 } },
    ]);
    expect(seen).toEqual(["0:hello", "1:hello", "2:hello"]);
  });

  it("logs are silent by default and collected when asked; metrics sum over nodes", () => {
    const work = (env: Env<PingMsg>) => {
      env.log.info("started", { self: env.self });
      env.metrics.inc("starts");
      env.metrics.observe("id", env.self);
      env.metrics.set("last", env.self);
    };
    const quiet = custom(work);
    quiet.run(0);
    expect(quiet.logs()).toEqual([]);
    const loud = custom(work, { collectLogs: true });
    loud.run(0);
    expect(loud.logs().map((l) => [l.node, l.level, l.message])).toEqual([
      [0, "info", "started"],
      [1, "info", "started"],
      [2, "info", "started"],
    ]);
    expect(loud.metrics()).toEqual({
      counters: { starts: 3 },
      gauges: { last: 2 },
      histograms: { id: { count: 3, sum: 3, min: 0, max: 2 } },
    });
  });

  it("a crashed node's old env is inert", () => {
    const { sim, logs, withNode } = probeCluster();
    let stale: Env<PingMsg> | undefined;
    withNode(0, (n) => {
      stale = n.env;
    });
    sim.restart({ node: 0 });
    stale!.send(1, { type: "ping", seq: 1 });
    stale!.setTimer(1, "ghost");
    stale!.emit({ type: "ghost" });
    sim.run(10);
    expect(logs[1]!.messages).toEqual([]);
    expect(logs[0]!.timers).toEqual([]);
    expect(sim.events()).toEqual([]);
  });

  it("the trace exports as JSONL with documented fields", () => {
    const { sim, send } = probeCluster({ keepTrace: true });
    send(0, 1, { type: "ping", seq: 1 });
    sim.run(5);
    const lines = sim
      .traceJsonl()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.filter((r) => r.ev !== "start")).toEqual([
      { t: 0, ev: "send", from: 0, to: 1, msg: { type: "ping", seq: 1 } },
      { t: 1, ev: "deliver", from: 0, to: 1, msg: { type: "ping", seq: 1 } },
      { t: 1, ev: "send", from: 1, to: 0, msg: { type: "pong", seq: 1 } },
      { t: 2, ev: "deliver", from: 1, to: 0, msg: { type: "pong", seq: 1 } },
    ]);
    expect([...sim.traceLines()].join("")).toBe(sim.traceJsonl());
    expect(() => probeCluster().sim.trace()).toThrow(/keepTrace/);
  });
});

describe("storage in the trace", () => {
  it("each sync is traced with the records it made durable, and changes the hash", () => {
    const run = (sync: boolean) => {
      const { sim, withNode } = probeCluster({ keepTrace: true });
      withNode(2, (n) => {
        n.env.storage.put("a", 1);
        n.env.storage.put("b", 2);
        if (sync) n.env.storage.sync();
      });
      return sim;
    };
    const synced = run(true);
    expect(synced.trace().filter((r) => r.ev === "sync")).toEqual([
      { t: 0, ev: "sync", node: 2, records: 2 },
    ]);
    expect(synced.traceHash()).not.toBe(run(false).traceHash());
  });
});
