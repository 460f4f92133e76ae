import { describe, expect, it } from "vitest";
import { HEARTBEAT_DEFAULTS } from "./heartbeat/config.js";
import { heartbeatProtocol } from "./heartbeat/protocol.js";
import { type Membership, type MembershipEvent, withMembership } from "./membership.js";
import { SWIM_DEFAULTS } from "./swim/config.js";
import type { SwimMsg, SwimTimer } from "./swim/messages.js";
import { swimProtocol } from "./swim/protocol.js";
import { ManualNet } from "./testing/manual-net.js";

const swim = withMembership(swimProtocol);
const config = { ...SWIM_DEFAULTS, probeIntervalMs: 100, probeTimeoutMs: 40, syncIntervalMs: 1000 };

function cluster(n: number, seeds: number[] = []) {
  return new ManualNet<SwimMsg, SwimTimer>({
    ids: Array.from({ length: n }, (_, i) => i),
    create: (id) => swim.create(id, { ...config, seeds }),
    validate: swim.validate,
    latencyMs: 1,
  });
}
const api = (net: ManualNet<SwimMsg, SwimTimer>, id: number) =>
  net.node<Membership<SwimMsg, SwimTimer>>(id);

describe("membership API over SWIM", () => {
  it("join through a seed: the view fills with alive members, and the stream reports each join", () => {
    const net = cluster(4, [0]);
    net.startAll();
    const seen: MembershipEvent[] = [];
    api(net, 3).subscribe((e) => seen.push(e));
    net.runUntil(2000);
    expect(api(net, 3).members("alive")).toEqual([0, 1, 2]);
    expect(seen.map((e) => `${e.type} ${e.peer}`).sort()).toEqual(["join 0", "join 1", "join 2"]);
  });

  it("a crashed member turns suspect, then dead, in every view, with incarnations shown", () => {
    const net = cluster(5);
    net.startAll();
    net.runUntil(500);
    net.crash(4);
    net.runUntil(5000);
    for (const id of [0, 1, 2, 3]) {
      expect(
        api(net, id)
          .view()
          .find((m) => m.id === 4),
      ).toEqual({ id: 4, state: "dead", incarnation: 0 });
      const types = api(net, id)
        .history()
        .filter((e) => e.peer === 4)
        .map((e) => e.type);
      expect(types).toEqual(["suspect", "dead"]);
    }
  });

  it("leave: the others see the member as left, and the leaver stops taking part", () => {
    const net = cluster(4);
    net.startAll();
    net.runUntil(500);
    api(net, 3).leave();
    const sentBefore = net.sent.filter((s) => s.from === 3).length;
    net.runUntil(3000);
    expect(net.sent.filter((s) => s.from === 3).length).toBe(sentBefore);
    for (const id of [0, 1, 2]) expect(api(net, id).members("left")).toEqual([3]);
  });

  it("a listener that throws is removed without disturbing the detector or other listeners", () => {
    const net = cluster(3);
    net.startAll();
    let calls = 0;
    api(net, 0).subscribe(() => {
      throw new Error("boom");
    });
    api(net, 0).subscribe(() => {
      calls += 1;
    });
    net.runUntil(300);
    net.crash(2);
    net.runUntil(5000);
    expect(calls).toBe(2); // suspect, then dead
    expect(api(net, 0).members("dead")).toEqual([2]);
  });

  it("works over any detector: heartbeat's view through the same API", () => {
    const hb = withMembership(heartbeatProtocol);
    const net = new ManualNet({
      ids: [0, 1, 2],
      create: (id) => hb.create(id, HEARTBEAT_DEFAULTS),
      latencyMs: 1,
    });
    net.startAll();
    net.runUntil(500);
    net.crash(2);
    net.runUntil(2000);
    const m = net.node<Membership<unknown, unknown>>(0);
    expect(m.members("suspect")).toEqual([2]);
    expect(m.history().map((e) => e.type)).toEqual(["suspect"]);
  });
});
