import { describe, expect, it } from "vitest";
import { detectorContract } from "../contract/detector-contract.js";
import { ManualNet } from "../testing/manual-net.js";
import { FUSE_DEFAULTS } from "./config.js";
import type { FuseMsg, FuseTimer } from "./messages.js";
import type { FuseNode } from "./node.js";
import { fuseProtocol } from "./protocol.js";

// A member's crash: its root hears silence within 400 ms (+ a ping interval) and tells everyone;
// a root's crash: every member hears silence itself. Rebuilding after a heal needs an invitation
// (every second) plus staggered creation.
detectorContract({
  protocol: fuseProtocol,
  config: FUSE_DEFAULTS,
  warmupMs: 1000,
  detectBoundMs: 100 + 400 + 100 + 2,
  recoverBoundMs: 3000,
});

function cluster(n: number) {
  return new ManualNet<FuseMsg, FuseTimer>({
    ids: Array.from({ length: n }, (_, i) => i),
    create: (id) => fuseProtocol.create(id, FUSE_DEFAULTS),
    validate: fuseProtocol.validate,
    latencyMs: 1,
  });
}
const fuse = (net: ManualNet<FuseMsg, FuseTimer>, id: number) => net.node<FuseNode>(id);

describe("FUSE (Dunagan et al. 2004)", () => {
  it("§3 creation: the root contacts every member directly and all join one group", () => {
    const net = cluster(5);
    net.startAll();
    net.runUntil(500);
    const g = fuse(net, 0).currentGroup();
    expect(g?.members).toEqual([0, 1, 2, 3, 4]);
    for (const id of [1, 2, 3, 4]) expect(fuse(net, id).currentGroup()?.id).toEqual(g?.id);
  });

  it("§3 guarantee: a member's crash fails the group, and every live member hears the notification", () => {
    const net = cluster(5);
    net.startAll();
    net.runUntil(1000);
    net.crash(3);
    net.runUntil(1600);
    const failed = net.events.filter((e) => e.event.type === "groupFailed" && e.event.epoch === 1);
    expect(failed.map((e) => e.node).sort()).toEqual([0, 1, 2, 4]);
  });

  it("§3 guarantee holds when the notifications themselves are lost: silence carries it", () => {
    const net = cluster(5);
    net.startAll();
    net.runUntil(1000);
    for (const to of [1, 2, 4]) net.cutOneWay(0, to); // the root can neither ping nor notify them
    net.crash(3);
    net.runUntil(1700);
    const failed = net.events.filter((e) => e.event.type === "groupFailed" && e.event.epoch === 1);
    expect(failed.map((e) => e.node).sort()).toEqual([0, 1, 2, 4]);
  });

  it("§3 SignalFailure: an application-signalled failure reaches every member; a new group follows", () => {
    const net = cluster(4);
    net.startAll();
    net.runUntil(1000);
    fuse(net, 2).signalFailure();
    net.runUntil(1010);
    const failed = net.events.filter((e) => e.event.type === "groupFailed" && e.event.epoch === 1);
    expect(failed.map((e) => e.node).sort()).toEqual([0, 1, 2, 3]);
    net.runUntil(2000);
    expect(fuse(net, 0).currentGroup()?.members).toEqual([0, 1, 2, 3]);
    expect(fuse(net, 0).currentGroup()?.id.epoch).toBeGreaterThan(1);
  });

  it("a failed group is never repaired: the crashed member is left out of the next, and stays suspected", () => {
    const net = cluster(5);
    net.startAll();
    net.runUntil(1000);
    net.crash(0); // the root
    net.runUntil(3000);
    const g = fuse(net, 1).currentGroup();
    expect(g?.members).toEqual([1, 2, 3, 4]);
    for (const id of [1, 2, 3, 4]) expect(fuse(net, id).suspects()).toEqual([0]);
  });

  it("validate names the bad field", () => {
    expect(fuseProtocol.validate({ type: "ready", epoch: 1, root: 0, members: [0, -1] })).toBe(
      "members[1]: expected a node id, got -1",
    );
    expect(fuseProtocol.validate({ type: "createNack", epoch: 1, root: 0 })).toBe(
      "currentEpoch: expected a non-negative integer, got nothing",
    );
  });
});
