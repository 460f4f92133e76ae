import { describe, expect, it } from "vitest";
import { type PingMsg, validatePing } from "./pingpong.js";
import { probeCluster } from "./probe-cluster.js";
import { Simulation } from "./simulation.js";
import type { LatencySpec } from "./types.js";

function arrivalTimes(latency: LatencySpec, count: number, extra: object = {}): number[] {
  const { sim, logs, send } = probeCluster({ network: { latency, ...extra } });
  for (let i = 0; i < count; i++) send(0, 1, { type: "pong", seq: i });
  sim.run(100_000);
  return logs[1]!.messages.map((m) => m.t);
}

describe("network model", () => {
  it("constant latency delivers in order at exactly that delay", () => {
    expect(arrivalTimes({ kind: "constant", ms: 7 }, 5)).toEqual([7, 7, 7, 7, 7]);
  });

  it("uniform latency stays in [minMs, maxMs) and spreads (reordering)", () => {
    const { sim, logs, send } = probeCluster({
      network: { latency: { kind: "uniform", minMs: 10, maxMs: 20 } },
    });
    for (let i = 0; i < 500; i++) send(0, 1, { type: "pong", seq: i });
    sim.run(100);
    const times = logs[1]!.messages.map((m) => m.t);
    expect(times.length).toBe(500);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...times)).toBeLessThan(20);
    const seqs = logs[1]!.messages.map((m) => m.msg.seq);
    expect(seqs).not.toEqual([...seqs].sort((a, b) => a - b));
  });

  it("log-normal latency has the given median and a long right tail", () => {
    const times = arrivalTimes({ kind: "lognormal", medianMs: 10, sigma: 0.8 }, 2000).sort(
      (a, b) => a - b,
    );
    const median = times[1000]!;
    expect(median).toBeGreaterThan(9);
    expect(median).toBeLessThan(11);
    expect(times[1990]! - median).toBeGreaterThan(3 * (median - times[10]!));
  });

  it("jitter adds up to jitterMs; per-link overrides apply to one direction", () => {
    const times = arrivalTimes({ kind: "constant", ms: 5 }, 200, { jitterMs: 2 });
    expect(Math.min(...times)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...times)).toBeLessThan(7);
    const { sim, logs, send } = probeCluster({
      network: {
        latency: { kind: "constant", ms: 1 },
        links: [{ from: 0, to: 1, latency: { kind: "constant", ms: 30 } }],
      },
    });
    send(0, 1, { type: "pong", seq: 1 });
    send(1, 0, { type: "pong", seq: 2 });
    sim.run(100);
    expect(logs[1]!.messages[0]!.t).toBe(30);
    expect(logs[0]!.messages[0]!.t).toBe(1);
  });

  it("network loss and duplication probabilities drop and copy messages", () => {
    const { sim, logs, send } = probeCluster({
      network: {
        latency: { kind: "constant", ms: 1 },
        lossProbability: 0.3,
        duplicateProbability: 0.3,
      },
    });
    for (let i = 0; i < 1000; i++) send(0, 1, { type: "pong", seq: i });
    sim.run(100);
    const c = sim.counters();
    expect(c.dropped.loss).toBeGreaterThan(200);
    expect(c.dropped.loss).toBeLessThan(400);
    expect(c.duplicated).toBeGreaterThan(150);
    expect(logs[1]!.messages.length).toBe(1000 - c.dropped.loss + c.duplicated);
  });

  it("a full receive buffer drops with reason buffer (omission)", () => {
    const { sim, logs, send } = probeCluster({ receiveBufferCapacity: 3 });
    for (let i = 0; i < 10; i++) send(0, 1, { type: "pong", seq: i });
    expect(sim.inFlight).toBe(3);
    sim.run(10);
    expect(logs[1]!.messages.length).toBe(3);
    expect(sim.counters().dropped.buffer).toBe(7);
  });

  it("invalid messages never reach onMessage: dropped as invalid and logged", () => {
    const { sim, logs, send } = probeCluster();
    send(0, 1, { type: "bogus", seq: 1 });
    send(0, 1, { type: "ping", seq: -4 });
    send(0, 1, "not even an object");
    send(0, 1, { type: "pong", seq: 3 });
    sim.run(10);
    expect(logs[1]!.messages.map((m) => m.msg)).toEqual([{ type: "pong", seq: 3 }]);
    expect(sim.counters().dropped.invalid).toBe(3);
    const warnings = sim.logs().filter((l) => l.message === "dropped an invalid message");
    expect(warnings.map((w) => w.fields?.reason)).toEqual([
      'type: expected one of ping, pong, got "bogus"',
      "seq: expected a non-negative integer, got -4",
      'message: expected an object, got "not even an object"',
    ]);
  });

  it("a message to a node outside the cluster is dropped as unknown-node", () => {
    const { sim, send } = probeCluster();
    send(0, 99, { type: "pong", seq: 1 });
    send(0, -1, { type: "pong", seq: 1 });
    expect(sim.counters().dropped["unknown-node"]).toBe(2);
  });

  it("malformed options are rejected with the field named", () => {
    const make = (extra: object) => () =>
      new Simulation<PingMsg>({
        seed: 1,
        nodeCount: 3,
        create: () => ({ start() {}, onMessage() {}, onTimer() {} }),
        validate: validatePing,
        ...extra,
      });
    expect(make({ nodeCount: 0 })).toThrow(/nodeCount: expected an integer in 1\.\./);
    expect(make({ network: { latency: { kind: "uniform", minMs: 5, maxMs: 1 } } })).toThrow(
      /network\.latency\.maxMs: expected a number >= minMs \(5\), got 1/,
    );
    expect(make({ network: { lossProbability: 2 } })).toThrow(
      /network\.lossProbability: expected a probability/,
    );
    expect(make({ network: { links: [{ from: 0, to: 7 }] } })).toThrow(
      /network\.links\[0\]\.to: expected a node id in 0\.\.2, got 7/,
    );
  });

  it("malformed faults are rejected with the field named", () => {
    const { sim } = probeCluster();
    expect(() => sim.inject({ verb: "crash", node: 9 })).toThrow(
      /node: expected a node id in 0\.\.3, got 9/,
    );
    expect(() => sim.loss({ probability: 1.5 })).toThrow(
      /probability: expected a number in \[0, 1\], got 1\.5/,
    );
    expect(() => sim.inject({ verb: "nope" } as never)).toThrow(
      /verb: expected one of crash, failstop/,
    );
    expect(() => sim.partition({ groups: [[0], [1, "x" as never]] })).toThrow(
      /groups\[1\]\[1\]: expected a node id/,
    );
  });
});

describe("network reordering", () => {
  it("reorderProbability holds some messages back so later ones overtake them", () => {
    const { sim, logs, send } = probeCluster({
      network: {
        latency: { kind: "constant", ms: 1 },
        reorderProbability: 0.3,
        reorderWindowMs: 5,
      },
    });
    for (let i = 0; i < 200; i++) send(0, 1, { type: "pong", seq: i });
    sim.run(100);
    const seqs = logs[1]!.messages.map((m) => m.msg.seq);
    expect(seqs.length).toBe(200);
    const late = logs[1]!.messages.filter((m) => m.t > 1).length;
    expect(late).toBeGreaterThan(30);
    expect(late).toBeLessThan(90);
    expect(seqs.slice(0, 200 - late)).toEqual(seqs.slice(0, 200 - late).sort((a, b) => a - b));
    expect(seqs).not.toEqual([...seqs].sort((a, b) => a - b));
  });
});

describe("validateOnlyByzantine", () => {
  it("skips validation of ordinary messages but still validates corrupted ones", () => {
    const { sim, logs, send } = probeCluster({ validateOnlyByzantine: true });
    send(0, 1, { type: "bogus", seq: 1 });
    sim.run(5);
    expect(logs[1]!.messages.map((m) => m.msg.type)).toEqual(["bogus"]);
    sim.corrupt({ probability: 1, nodes: [2] });
    for (let i = 0; i < 200; i++) send(0, 2, { type: "pong", seq: i });
    sim.run(10);
    for (const m of logs[2]!.messages) expect(validatePing(m.msg)).toBeUndefined();
    expect(sim.counters().dropped.invalid + sim.counters().dropped.corrupt).toBeGreaterThan(0);
  });
});
