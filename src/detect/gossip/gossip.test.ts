import { describe, expect, it } from "vitest";
import { detectorContract } from "../contract/detector-contract.js";
import { ManualNet } from "../testing/manual-net.js";
import { GOSSIP_DEFAULTS } from "./config.js";
import type { GossipMsg, GossipTimer } from "./messages.js";
import type { GossipNode } from "./node.js";
import { gossipDetectorProtocol } from "./protocol.js";

// T_fail = 1500 ms after the last growth a member saw; the crashed member's last counter
// reaches everyone within a few rounds, so 1500 + 10 rounds bounds detection by all.
detectorContract({
  protocol: gossipDetectorProtocol,
  config: GOSSIP_DEFAULTS,
  warmupMs: 1000,
  detectBoundMs: 1500 + 1000,
  recoverBoundMs: 2000,
});

function cluster(n: number) {
  return new ManualNet<GossipMsg, GossipTimer>({
    ids: Array.from({ length: n }, (_, i) => i),
    create: (id) => gossipDetectorProtocol.create(id, GOSSIP_DEFAULTS),
    validate: gossipDetectorProtocol.validate,
    latencyMs: 1,
    seed: 5,
  });
}

describe("gossip-style detection (van Renesse, Minsky, Hayden 1998)", () => {
  it("§2: counters only grow under merging, and a live member's counter reaches everyone", () => {
    const net = cluster(8);
    net.startAll();
    net.runUntil(3000);
    const own = net.node<GossipNode>(3).heartbeatOf(3)!;
    for (const id of [0, 1, 2, 4, 5, 6, 7]) {
      const seen = net.node<GossipNode>(id).heartbeatOf(3)!;
      expect(seen.incarnation).toBe(own.incarnation);
      expect(seen.counter).toBeLessThanOrEqual(own.counter);
      expect(seen.counter).toBeGreaterThan(own.counter - 15); // fresh within T_fail
    }
  });

  it("§2: failed exactly T_fail after the counter last grew, forgotten T_cleanup later, never re-added", () => {
    const net = cluster(8);
    net.startAll();
    net.runUntil(2000);
    net.crash(7);
    net.runUntil(12_000);
    const dead = net.events.filter((e) => e.event.type === "dead" && e.event.peer === 7);
    expect(dead.map((e) => e.node).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const e of dead) {
      // when this node first saw n7's final counter: its T_fail runs from there
      const seen = net.delivered.filter((d) => d.to === e.node && d.order < e.order);
      const counterOf = (d: (typeof seen)[number]) =>
        d.msg.entries.find((x) => x.member === 7)?.counter ?? -1;
      const finalCounter = Math.max(...seen.map(counterOf));
      const firstSeenMs = Math.min(
        ...seen.filter((d) => counterOf(d) === finalCounter).map((d) => d.atMs),
      );
      expect(e.atMs).toBe(firstSeenMs + 1500);
    }
    expect(net.events.filter((e) => e.event.peer === 7 && e.event.type !== "dead")).toEqual([]);
    for (const id of [0, 1, 2, 3, 4, 5, 6]) {
      expect(
        net
          .node<GossipNode>(id)
          .view()
          .map((m) => m.id),
      ).not.toContain(7);
    }
  });

  it("a restarted member's new incarnation outranks its old counter, so it is trusted again", () => {
    const net = cluster(5);
    net.startAll();
    net.runUntil(1000);
    net.crash(4);
    net.runUntil(3000);
    net.restart(4);
    net.runUntil(5000);
    for (const id of [0, 1, 2, 3]) {
      expect(
        net
          .node<GossipNode>(id)
          .view()
          .find((m) => m.id === 4),
      ).toMatchObject({ state: "alive", incarnation: 1 });
    }
  });

  it("validate and config name the bad field", () => {
    expect(gossipDetectorProtocol.validate({ type: "gossip", entries: [{ member: 1 }] })).toMatch(
      /^entries\[0\]: expected an entry/,
    );
    expect(gossipDetectorProtocol.checkConfig({ ...GOSSIP_DEFAULTS, failMs: 50 })).toBe(
      "failMs: expected more than gossipIntervalMs (100), got 50",
    );
  });
});
