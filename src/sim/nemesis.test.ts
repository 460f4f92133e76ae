import { describe, expect, it } from "vitest";
import { validatePing } from "./pingpong.js";
import { probeCluster } from "./probe-cluster.js";

const ping = (seq: number) => ({ type: "ping", seq });
const seqsAt = (log: { messages: { msg: { seq: number; type: string } }[] }, type: string) =>
  log.messages.filter((m) => m.msg.type === type).map((m) => m.msg.seq);

describe("nemesis: each verb changes what the protocol sees", () => {
  it("control: without faults a ping is answered by a pong", () => {
    const { sim, logs, send } = probeCluster();
    send(0, 1, ping(7));
    sim.run(10);
    expect(seqsAt(logs[1]!, "ping")).toEqual([7]);
    expect(seqsAt(logs[0]!, "pong")).toEqual([7]);
  });

  it("crash: the node goes silent with no notice, and restarts recovered at the heal", () => {
    const { sim, logs, send } = probeCluster();
    sim.crash({ node: 1, durationMs: 50 });
    expect(sim.status(1)).toBe("down");
    send(0, 1, ping(1));
    sim.run(10);
    expect(logs[1]!.messages).toEqual([]);
    expect(logs[0]!.messages).toEqual([]);
    expect(logs[0]!.notices).toEqual([]);
    expect(sim.counters().dropped.crashed).toBe(1);
    sim.run(60);
    expect(sim.status(1)).toBe("up");
    expect(logs[1]!.starts).toEqual([false, true]);
    send(0, 1, ping(2));
    sim.run(70);
    expect(seqsAt(logs[0]!, "pong")).toEqual([2]);
    expect(sim.faults()[0]).toMatchObject({ atMs: 0, healedAtMs: 50 });
  });

  it("failstop: every live peer is told the node stopped", () => {
    const { sim, logs } = probeCluster();
    sim.failstop({ node: 2 });
    sim.run(1);
    for (const peer of [0, 1, 3])
      expect(logs[peer]!.notices).toEqual([{ type: "peerStopped", peer: 2 }]);
    expect(logs[2]!.notices).toEqual([]);
    expect(sim.status(2)).toBe("down");
  });

  it("loss: probability 1 drops everything to the node; 0.5 drops about half", () => {
    const { sim, logs, send } = probeCluster();
    const fault = sim.loss({ probability: 1, nodes: [1] });
    send(0, 1, ping(1));
    send(2, 3, ping(2));
    sim.run(10);
    expect(logs[1]!.messages).toEqual([]);
    expect(seqsAt(logs[3]!, "ping")).toEqual([2]);
    expect(sim.counters().dropped.loss).toBe(1);
    fault.heal();
    sim.loss({ probability: 0.5 });
    for (let i = 0; i < 1000; i++) send(0, 1, ping(i));
    sim.run(20);
    const arrived = seqsAt(logs[1]!, "ping").length;
    expect(arrived).toBeGreaterThan(400);
    expect(arrived).toBeLessThan(600);
  });

  it("buffer: a shrunk receive buffer overflows and drops with reason buffer", () => {
    const { sim, logs, send } = probeCluster();
    sim.buffer({ capacity: 2, nodes: [1], durationMs: 5 });
    for (let i = 0; i < 5; i++) send(0, 1, ping(i));
    sim.run(10);
    expect(seqsAt(logs[1]!, "ping")).toEqual([0, 1]);
    expect(sim.counters().dropped.buffer).toBe(3);
    for (let i = 0; i < 5; i++) send(0, 1, ping(10 + i));
    sim.run(20);
    expect(seqsAt(logs[1]!, "ping")).toEqual([0, 1, 10, 11, 12, 13, 14]);
  });

  it("link: a one-way cut drops one direction only; two-way drops both", () => {
    const { sim, logs, send } = probeCluster();
    const cut = sim.link({ from: 0, to: 1 });
    send(0, 1, ping(1));
    send(1, 0, ping(2));
    sim.run(10);
    expect(logs[1]!.messages.map((m) => m.msg)).toEqual([]);
    expect(seqsAt(logs[0]!, "ping")).toEqual([2]);
    expect(sim.counters().dropped.link).toBe(2);
    cut.heal();
    sim.link({ from: 2, to: 3, twoWay: true });
    send(2, 3, ping(3));
    send(3, 2, ping(4));
    sim.run(20);
    expect(logs[2]!.messages).toEqual([]);
    expect(logs[3]!.messages).toEqual([]);
  });

  it("partition: halves cannot talk across; a bridge node talks to both; unlisted nodes group together", () => {
    const { sim, logs, send } = probeCluster({ nodeCount: 5 });
    const halves = sim.partition({
      groups: [
        [0, 1],
        [2, 3],
      ],
    });
    send(0, 1, ping(1));
    send(0, 2, ping(2));
    send(4, 2, ping(3));
    sim.run(10);
    expect(seqsAt(logs[1]!, "ping")).toEqual([1]);
    expect(seqsAt(logs[2]!, "ping")).toEqual([]);
    expect(sim.counters().dropped.partition).toBe(2);
    halves.heal();
    sim.partition({
      groups: [
        [0, 1],
        [1, 2],
      ],
    });
    send(0, 1, ping(4));
    send(1, 2, ping(5));
    send(0, 2, ping(6));
    sim.run(20);
    expect(seqsAt(logs[2]!, "ping")).toEqual([5]);
    expect(seqsAt(logs[1]!, "ping")).toEqual([1, 4]);
  });

  it("delay: messages to or from the node arrive extraLatencyMs later", () => {
    const { sim, logs, send } = probeCluster();
    sim.delay({ extraLatencyMs: 100, nodes: [1] });
    send(0, 1, ping(1));
    send(2, 3, ping(2));
    sim.run(300);
    expect(logs[1]!.messages[0]!.t).toBe(101);
    expect(logs[3]!.messages[0]!.t).toBe(1);
    expect(logs[0]!.messages[0]!.t).toBe(202);
  });

  it("pause: the node stalls; its messages and timers run late, at the resume", () => {
    const { sim, logs, send, withNode } = probeCluster();
    withNode(1, (n) => n.env.setTimer(10, "t"));
    sim.pause({ node: 1, durationMs: 50 });
    expect(sim.status(1)).toBe("paused");
    send(0, 1, ping(1));
    sim.run(49);
    expect(logs[1]!.messages).toEqual([]);
    expect(logs[1]!.timers).toEqual([]);
    sim.run(60);
    expect(sim.status(1)).toBe("up");
    expect(logs[1]!.timers).toEqual([{ t: 50, tag: "t" }]);
    expect(logs[1]!.messages.map((m) => m.t)).toEqual([50]);
    expect(logs[0]!.messages.map((m) => m.t)).toEqual([51]);
  });

  it("clock: skew shifts now(), drift speeds timers, and now() never goes backwards", () => {
    const { sim, logs, withNode } = probeCluster();
    sim.run(100);
    const fault = sim.clock({ node: 1, skewMs: 1000, driftPpm: 100_000 });
    let seen = 0;
    withNode(1, (n) => {
      seen = n.env.now();
      n.env.setTimer(110, "fast");
    });
    expect(seen).toBe(1100);
    withNode(2, (n) => {
      seen = n.env.now();
    });
    expect(seen).toBe(100);
    sim.run(300);
    expect(logs[1]!.timers).toEqual([{ t: expect.closeTo(1210, 6), tag: "fast" }]);
    expect(sim.now).toBe(300);
    let before = 0;
    withNode(1, (n) => {
      before = n.env.now();
    });
    fault.heal();
    let after = 0;
    withNode(1, (n) => {
      after = n.env.now();
    });
    expect(before).toBeCloseTo(1000 + 100 + 200 * 1.1, 6);
    expect(after).toBe(before);
  });

  it("corrupt: mangled messages are dropped (corrupt / invalid) or arrive changed, and only valid ones reach the node", () => {
    const { sim, logs, send } = probeCluster();
    sim.corrupt({ probability: 1, nodes: [1] });
    for (let i = 0; i < 300; i++) send(0, 1, ping(i));
    sim.run(10);
    const c = sim.counters();
    expect(c.corrupted).toBeGreaterThanOrEqual(300);
    expect(c.dropped.corrupt + c.dropped.invalid).toBeGreaterThan(0);
    const received = logs[1]!.messages.map((m) => m.msg);
    for (const msg of received) expect(validatePing(msg)).toBeUndefined();
    const changed = received.filter((m, i) => m.type !== "ping" || m.seq !== i);
    expect(received.length < 300 || changed.length > 0).toBe(true);
  });

  it("duplicate: probability 1 delivers every message twice", () => {
    const { sim, logs, send } = probeCluster();
    sim.duplicate({ probability: 1, nodes: [1], durationMs: 5 });
    send(0, 1, ping(1));
    send(0, 1, ping(2));
    sim.run(3);
    expect(seqsAt(logs[1]!, "ping").sort()).toEqual([1, 1, 2, 2]);
    expect(sim.counters().duplicated).toBeGreaterThanOrEqual(2);
  });

  it("replay: old messages are delivered again later", () => {
    const { sim, logs, send } = probeCluster();
    for (let i = 0; i < 10; i++) {
      send(0, 1, ping(i));
      sim.run(sim.now + 5);
    }
    expect(seqsAt(logs[1]!, "ping")).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    sim.replay({ probability: 1, nodes: [1] });
    send(0, 1, ping(100));
    sim.run(sim.now + 20);
    const seqs = seqsAt(logs[1]!, "ping");
    expect(seqs.length).toBe(12);
    expect(seqs).toContain(100);
    const replayed = seqs.slice(10).find((s) => s !== 100)!;
    expect(replayed).toBeLessThan(10);
    expect(sim.counters().replayed).toBe(1);
  });

  it("disk corrupt: a synced record is flipped and recovery cuts the log from it", () => {
    const { sim, withNode } = probeCluster();
    withNode(1, (n) => {
      for (let i = 0; i < 10; i++) n.env.storage.put(`k${i}`, i);
      n.env.storage.sync();
    });
    sim.disk({ node: 1, mode: "corrupt" });
    expect(sim.recovery(1).recordsTruncated).toBe(0);
    sim.restart({ node: 1 });
    const report = sim.recovery(1);
    expect(report.recordsTruncated).toBeGreaterThan(0);
    expect(report.recordsRecovered + report.recordsTruncated).toBe(10);
    expect(report.reason).toMatch(/^corrupt record at index \d+$/);
    expect([...sim.storage(1).keys()].length).toBe(report.recordsRecovered);
  });

  it("disk torn: the next crash keeps a torn prefix of the unsynced tail, which recovery cuts", () => {
    const { sim, withNode } = probeCluster();
    withNode(1, (n) => {
      n.env.storage.put("synced", 1);
      n.env.storage.sync();
      for (let i = 0; i < 5; i++) n.env.storage.put(`u${i}`, i);
    });
    sim.disk({ node: 1, mode: "torn" });
    sim.restart({ node: 1 });
    const report = sim.recovery(1);
    expect(report.recordsTruncated).toBe(1);
    expect(report.reason).toMatch(/^torn record at index \d+$/);
    expect(sim.storage(1).get("synced")).toBe(1);
    expect(report.recordsRecovered).toBe(sim.storage(1).size);
  });

  it("restart: only synced writes survive; old timers die; a new object starts recovered", () => {
    const { sim, logs, withNode } = probeCluster();
    withNode(1, (n) => {
      n.env.storage.put("a", { v: 1 });
      n.env.storage.sync();
      n.env.storage.put("b", 2);
      n.env.setTimer(20, "old");
    });
    const before = sim.node(1);
    sim.restart({ node: 1, downMs: 5 });
    expect(sim.status(1)).toBe("down");
    sim.run(5);
    expect(sim.status(1)).toBe("up");
    expect(sim.node(1)).not.toBe(before);
    expect(logs[1]!.starts).toEqual([false, true]);
    let a: unknown;
    let b: unknown;
    withNode(1, (n) => {
      a = n.env.storage.get("a");
      b = n.env.storage.get("b");
    });
    expect(a).toEqual({ v: 1 });
    expect(b).toBeUndefined();
    sim.run(50);
    expect(logs[1]!.timers).toEqual([]);
  });

  it("restart with tear: a prefix of the unsynced tail survives and the torn record is cut", () => {
    const { sim, withNode } = probeCluster();
    withNode(1, (n) => {
      for (let i = 0; i < 8; i++) n.env.storage.put(`u${i}`, i);
    });
    sim.restart({ node: 1, tear: true });
    const report = sim.recovery(1);
    expect(report.recordsTruncated).toBe(1);
    expect(sim.storage(1).size).toBe(report.recordsRecovered);
    expect(report.recordsRecovered).toBeLessThan(8);
  });
});

describe("nemesis: overlapping faults", () => {
  it("a pause cut short by a crash does not end a later pause of the restarted node", () => {
    const { sim } = probeCluster();
    sim.pause({ node: 1, durationMs: 100 });
    sim.restart({ node: 1 });
    expect(sim.status(1)).toBe("up");
    sim.run(50);
    sim.pause({ node: 1, durationMs: 200 });
    sim.run(150);
    expect(sim.status(1)).toBe("paused");
    sim.run(260);
    expect(sim.status(1)).toBe("up");
  });

  it("overlapping partitions both apply; healing one leaves the other", () => {
    const { sim, logs, send } = probeCluster();
    sim.partition({
      groups: [
        [0, 1],
        [2, 3],
      ],
    });
    const second = sim.partition({
      groups: [
        [0, 2],
        [1, 3],
      ],
    });
    send(0, 1, { type: "pong", seq: 1 });
    send(0, 2, { type: "pong", seq: 2 });
    sim.run(10);
    expect(logs[1]!.messages).toEqual([]);
    expect(logs[2]!.messages).toEqual([]);
    second.heal();
    send(0, 1, { type: "pong", seq: 3 });
    sim.run(20);
    expect(logs[1]!.messages.map((m) => m.msg.seq)).toEqual([3]);
  });

  it("a crash drops what a paused node held, as crashed", () => {
    const { sim, send } = probeCluster();
    sim.pause({ node: 1, durationMs: 100 });
    send(0, 1, { type: "pong", seq: 1 });
    send(0, 1, { type: "pong", seq: 2 });
    sim.run(10);
    expect(sim.inFlight).toBe(2);
    sim.crash({ node: 1 });
    expect(sim.inFlight).toBe(0);
    expect(sim.counters().dropped.crashed).toBe(2);
  });
});
