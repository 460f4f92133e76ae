import { describe, expect, it } from "vitest";
import { assert, type Env, type NodeId, type ProtocolNode } from "../core/index.js";
import { type PingMsg, validatePing } from "./pingpong.js";
import { Simulation } from "./simulation.js";

/** Pings its successor forever; asserts (wrongly, on purpose) that no seq reaches 5 at node 2. */
class FragileNode implements ProtocolNode<PingMsg> {
  private env!: Env<PingMsg>;
  constructor(private readonly failWith: "assert" | "throw") {}
  start(env: Env<PingMsg>): void {
    this.env = env;
    env.send((env.self + 1) % env.cluster.length, { type: "ping", seq: 0 });
  }
  onMessage(_from: NodeId, msg: PingMsg): void {
    if (this.env.self === 2 && msg.seq >= 5) {
      if (this.failWith === "assert") assert(false, `seq ${msg.seq} reached node 2`);
      else throw new TypeError("boom");
    }
    this.env.send((this.env.self + 1) % this.env.cluster.length, {
      type: "ping",
      seq: msg.seq + 1,
    });
  }
  onTimer(): void {}
}

function fragile(failWith: "assert" | "throw") {
  return new Simulation<PingMsg>({
    seed: 3,
    nodeCount: 3,
    create: () => new FragileNode(failWith),
    validate: validatePing,
    network: { latency: { kind: "constant", ms: 10 } },
    keepTrace: true,
  });
}

describe("violations", () => {
  it("an AssertionError in a handler stops the run and is reported with time and node", () => {
    const sim = fragile("assert");
    expect(sim.run(10_000)).toBe("violation");
    expect(sim.violation()).toMatchObject({
      t: 60,
      node: 2,
      kind: "assertion",
      during: "message",
      message: "seq 5 reached node 2",
    });
    expect(sim.now).toBe(60);
    expect(sim.stopReason).toBe("violation");
    expect(sim.run(20_000)).toBe("violation");
    expect(sim.step()).toBe(false);
    expect(sim.trace().at(-1)).toMatchObject({ ev: "violation", node: 2, t: 60 });
  });

  it("any other error is a violation of kind exception, not a simulator crash", () => {
    const sim = fragile("throw");
    expect(() => sim.run(10_000)).not.toThrow();
    expect(sim.violation()).toMatchObject({ kind: "exception", message: "boom", node: 2 });
  });

  it("a failing start is a violation during start", () => {
    const sim = new Simulation<PingMsg>({
      seed: 1,
      nodeCount: 2,
      create: (id) => ({
        start() {
          assert(id !== 1, "node 1 refuses to start");
        },
        onMessage() {},
        onTimer() {},
      }),
      validate: validatePing,
    });
    expect(sim.run(1)).toBe("violation");
    expect(sim.violation()).toMatchObject({ node: 1, during: "start", t: 0 });
  });

  it("a bad setTimer argument is the protocol's violation", () => {
    const sim = new Simulation<PingMsg>({
      seed: 1,
      nodeCount: 1,
      create: () => ({
        start(env) {
          env.setTimer(-1, "x");
        },
        onMessage() {},
        onTimer() {},
      }),
      validate: validatePing,
    });
    sim.run(1);
    expect(sim.violation()?.message).toMatch(
      /setTimer: afterMs must be a finite number >= 0, got -1/,
    );
  });

  it("the event limit stops a run that never ends", () => {
    const sim = new Simulation<PingMsg, string>({
      seed: 1,
      nodeCount: 1,
      create: () => {
        let env: Env<PingMsg>;
        return {
          start(e) {
            env = e;
            env.setTimer(0, "again");
          },
          onMessage() {},
          onTimer() {
            env.setTimer(0, "again");
          },
        };
      },
      validate: validatePing,
      eventCountMax: 1000,
    });
    expect(sim.run(1)).toBe("event-limit");
    expect(sim.counters().events).toBe(1000);
  });
});
