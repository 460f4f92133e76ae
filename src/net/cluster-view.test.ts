import { describe, expect, it } from "vitest";
import { ClusterView, eventText } from "./cluster-view.js";
import type { NodeLine } from "./lines.js";

/** The model behind `cohort start`'s live table: each node's view from its lines. */
describe("ClusterView", () => {
  const event = (node: number, type: string, fields: Record<string, unknown> = {}): NodeLine => ({
    kind: "event",
    node,
    atMs: 1,
    event: { type, ...fields },
  });

  it("tracks what each node last said about each peer, and its process state", () => {
    const view = new ClusterView(3);
    view.apply({
      kind: "ready",
      node: 0,
      pid: 11,
      port: 7400,
      recovered: false,
      recovery: { recordsRecovered: 0, recordsTruncated: 0 },
    });
    view.apply(event(0, "suspect", { peer: 2 }));
    view.apply(event(0, "suspect", { peer: 1 }));
    view.apply(event(0, "trust", { peer: 1 }));
    view.apply(event(0, "view", { suspects: [2] }));
    view.apply(event(1, "dead", { peer: 2 }));
    view.exited(2, null, "SIGKILL");
    expect(view.peersIn(0, "suspect")).toEqual([2]);
    expect(view.peersIn(1, "dead")).toEqual([2]);
    const rows = view.render();
    expect(rows[1]).toMatch(/^n0 +11 +up .*suspects n2 +\(last: trust n1\)$/);
    expect(rows[2]).toMatch(/^n1 +- +starting .*all trusted; dead n2 +\(last: dead n2\)$/);
    expect(rows[3]).toMatch(/^n2 +- +killed \(SIGKILL\)/);
  });

  it("counts from status lines, and a graceful stop is not reported as an exit", () => {
    const view = new ClusterView(2);
    view.apply({
      kind: "status",
      node: 1,
      atMs: 5,
      connected: [0],
      sent: 7,
      delivered: 6,
      dropped: { queueFull: 2, closed: 1 },
      rejected: { decode: 1 },
      cpuMs: 3,
    });
    view.apply({ kind: "stopped", node: 1, atMs: 9 });
    view.exited(1, 0, null);
    expect(view.nodes[1]).toMatchObject({
      connected: 1,
      sent: 7,
      delivered: 6,
      dropped: 3,
      rejected: 1,
      state: "stopped",
    });
  });

  it("prints an event as a short line", () => {
    expect(eventText(event(0, "suspect", { peer: 2 }))).toBe("n0 suspect n2");
    expect(eventText(event(1, "raftRole", { role: "leader", term: 3 }))).toBe(
      'n1 raftRole {"role":"leader","term":3}',
    );
    expect(eventText({ kind: "stopped", node: 0, atMs: 1 })).toBeUndefined();
  });
});
