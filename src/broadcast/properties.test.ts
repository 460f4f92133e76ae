import { describe, expect, it } from "vitest";
import { judgeBroadcast, type TracedEvent } from "./properties.js";

let clock = 0;
const b = (node: number, id: string): TracedEvent => ({
  t: clock++,
  node,
  event: { type: "broadcast", id, origin: node, body: id },
});
const d = (node: number, id: string, origin: number, body = id): TracedEvent => ({
  t: clock++,
  node,
  event: { type: "deliver", id, origin, body },
});
const all = { correct: [0, 1, 2], liveness: true } as const;

describe("judgeBroadcast", () => {
  it("passes a run where every node delivers everything in one order", () => {
    const run = [b(0, "a"), d(0, "a", 0), d(1, "a", 0), d(2, "a", 0)];
    for (const ordering of ["none", "fifo", "causal", "total"] as const) {
      expect(judgeBroadcast(run, { ...all, ordering })).toEqual([]);
    }
  });

  it("flags creation, duplication, validity and agreement", () => {
    const run = [b(0, "a"), d(1, "a", 0), d(1, "a", 0), d(2, "z", 0), d(2, "a", 0, "forged")];
    const v = judgeBroadcast(run, { ...all, ordering: "none" });
    expect(v.filter((s) => s.includes("no creation"))).toHaveLength(2);
    expect(v.filter((s) => s.includes("no duplication"))).toHaveLength(1);
    expect(v.some((s) => s.includes("never delivered it (validity)"))).toBe(true);
    expect(v.some((s) => s.includes("never by n0, n2 (agreement)"))).toBe(true);
    expect(judgeBroadcast(run, { ...all, liveness: false, ordering: "none" })).toHaveLength(3);
  });

  it("judges agreement among correct nodes only", () => {
    const run = [b(0, "a"), d(0, "a", 0), d(1, "a", 0)];
    expect(judgeBroadcast(run, { correct: [0, 1], liveness: true, ordering: "none" })).toEqual([]);
    expect(
      judgeBroadcast(run, { correct: [0, 1, 2], liveness: true, ordering: "none" }),
    ).toHaveLength(1);
  });

  it("flags FIFO order broken by one origin's messages", () => {
    const run = [b(0, "a1"), b(0, "a2"), d(1, "a2", 0), d(1, "a1", 0)];
    const v = judgeBroadcast(run, { ...all, liveness: false, ordering: "fifo" });
    expect(v).toEqual([
      expect.stringContaining("delivered a2 before a1, broadcast earlier by n0 (FIFO order)"),
    ]);
    expect(judgeBroadcast(run, { ...all, liveness: false, ordering: "none" })).toEqual([]);
  });

  it("flags causal order through a chain across nodes, which FIFO misses", () => {
    // n0 broadcasts a; n1 delivers a then broadcasts c; n2 delivers c before a.
    const run = [b(0, "a"), d(1, "a", 0), b(1, "c"), d(2, "c", 1), d(2, "a", 0)];
    expect(judgeBroadcast(run, { ...all, liveness: false, ordering: "fifo" })).toEqual([]);
    const v = judgeBroadcast(run, { ...all, liveness: false, ordering: "causal" });
    expect(v).toEqual([
      expect.stringContaining("n2 delivered c before a, which happened before it (causal order)"),
    ]);
  });

  it("causal order is transitive: a → c → e needs a before e even if the middle node skipped nothing", () => {
    const run = [
      b(0, "a"),
      d(1, "a", 0),
      b(1, "c"),
      d(2, "a", 0),
      d(2, "c", 1),
      b(2, "e"),
      d(3, "e", 2),
    ];
    const v = judgeBroadcast(run, { correct: [], liveness: false, ordering: "causal" });
    expect(v).toEqual([expect.stringContaining("n3 delivered e before a, c")]);
  });

  it("concurrent messages may be delivered in any order under causal, not under total", () => {
    const run = [b(0, "a"), b(1, "c"), d(2, "a", 0), d(2, "c", 1), d(3, "c", 1), d(3, "a", 0)];
    const j = { correct: [], liveness: false } as const;
    expect(judgeBroadcast(run, { ...j, ordering: "causal" })).toEqual([]);
    expect(judgeBroadcast(run, { ...j, ordering: "total" })).toEqual([
      "n2 delivered a before c, n3 after it (total order)",
    ]);
    const nonUniform = { ordering: "total", liveness: false, orderAmongCorrectOnly: true } as const;
    expect(judgeBroadcast(run, { ...nonUniform, correct: [2] })).toEqual([]);
    expect(judgeBroadcast(run, { ...nonUniform, correct: [2, 3] })).toHaveLength(1);
  });
});
