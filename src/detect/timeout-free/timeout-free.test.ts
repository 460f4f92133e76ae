import { describe, expect, it } from "vitest";
import { detectorContract } from "../contract/detector-contract.js";
import { ManualNet } from "../testing/manual-net.js";
import { HB_DEFAULTS } from "./config.js";
import { RetransmitGate, StallDecision } from "./decision.js";
import type { HbMsg, HbTimer } from "./messages.js";
import type { TimeoutFreeNode } from "./node.js";
import { timeoutFreeProtocol } from "./protocol.js";

// The last relayed beats arrive within two hops; then five looks 100 ms apart see no growth.
detectorContract({
  protocol: timeoutFreeProtocol,
  config: HB_DEFAULTS,
  warmupMs: 500,
  detectBoundMs: 6 * 100 + 2 * 1 + 1,
  recoverBoundMs: 2 * 100 + 2 * 1 + 1,
});

function cluster(n: number) {
  return new ManualNet<HbMsg, HbTimer>({
    ids: Array.from({ length: n }, (_, i) => i),
    create: (id) => timeoutFreeProtocol.create(id, HB_DEFAULTS),
    validate: timeoutFreeProtocol.validate,
    latencyMs: 1,
  });
}

const counter = (net: ManualNet<HbMsg, HbTimer>, at: number, of: number) =>
  net.node<TimeoutFreeNode>(at).counters().get(of) ?? -1;

describe("timeout-free heartbeat HB (Aguilera, Chen, Toueg 1997)", () => {
  it("§4 HB-completeness: the counter of a crashed neighbour stops growing", () => {
    const net = cluster(4);
    net.startAll();
    net.runUntil(1000);
    net.crash(3);
    net.runUntil(1100);
    const frozen = counter(net, 0, 3);
    net.runUntil(5000);
    expect(counter(net, 0, 3)).toBe(frozen);
  });

  it("§4 HB-accuracy: the counter of a correct neighbour grows without bound, even across a cut link (relayed on paths)", () => {
    const net = cluster(4);
    net.startAll();
    net.cut(0, 3);
    const samples: number[] = [];
    for (let t = 1000; t <= 5000; t += 1000) {
      net.runUntil(t);
      samples.push(counter(net, 0, 3));
    }
    for (let i = 1; i < samples.length; i++) expect(samples[i]).toBeGreaterThan(samples[i - 1]!);
    expect(net.node<TimeoutFreeNode>(0).suspects()).toEqual([]);
  });

  it("the detector sends no timeouts: only the send period and the application's look are timers", () => {
    const net = cluster(3);
    net.startAll();
    net.runUntil(1000);
    // n0 sends one beat to each of 2 peers per 100 ms, and relays each beat it receives to 1 peer
    const fromN0 = net.sent.filter((s) => s.from === 0);
    expect(fromN0.filter((s) => s.msg.path.length === 1)).toHaveLength(11 * 2);
    expect(fromN0.filter((s) => s.msg.path.length === 2).length).toBeGreaterThan(15);
  });

  it("§5 quiescent reliable communication: a sender gated on counters sends finitely often to a crashed receiver", () => {
    const net = cluster(3);
    net.startAll();
    const gate = new RetransmitGate();
    let sends = 0;
    for (let t = 100; t <= 6000; t += 100) {
      net.runUntil(t);
      if (t === 1000) net.crash(2);
      if (gate.shouldSend(2, counter(net, 0, 2))) sends += 1;
    }
    const sendsAtCrash = 10;
    expect(sends).toBeGreaterThanOrEqual(sendsAtCrash);
    expect(sends).toBeLessThanOrEqual(sendsAtCrash + 2);
  });

  it("the stall helper suspects after stalledLooksMax looks without growth and trusts on growth", () => {
    const d = new StallDecision(3);
    expect([d.look(1, 5), d.look(1, 5), d.look(1, 5), d.look(1, 5), d.look(1, 6)]).toEqual([
      false,
      false,
      false,
      true,
      false,
    ]);
  });

  it("validate rejects forged or empty paths", () => {
    expect(timeoutFreeProtocol.validate({ type: "heartbeat", path: [] })).toBe(
      "path: expected at least the originator, got an empty array",
    );
    expect(timeoutFreeProtocol.validate({ type: "heartbeat", path: [1, "x"] })).toBe(
      'path[1]: expected a node id, got "x"',
    );
  });
});
