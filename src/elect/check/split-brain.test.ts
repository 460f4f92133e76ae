import { describe, expect, it } from "vitest";
import type { ElectionRun } from "./run.js";
import { reignsOf, splitBrainOf } from "./split-brain.js";

const believe = (t: number, node: number, epoch: number) => ({
  t,
  node,
  event: { type: "believe-leader", epoch },
});
const stepDown = (t: number, node: number, epoch: number) => ({
  t,
  node,
  event: { type: "step-down", epoch },
});

function run(events: ElectionRun["events"], lifecycle: ElectionRun["lifecycle"] = []): ElectionRun {
  return { nodeCount: 3, endMs: 100, events, lifecycle };
}

describe("split-brain detector", () => {
  it("a clean hand-over (step-down before the next believe) is no split brain", () => {
    const r = run([believe(0, 2, 1), stepDown(10, 2, 1), believe(10, 1, 2)]);
    expect(splitBrainOf(r)).toEqual({ intervals: [], sameEpochIntervals: 0, splitBrainMs: 0 });
  });

  it("reports overlapping reigns with their epochs and the time they overlapped", () => {
    const r = run([believe(0, 2, 1), believe(20, 1, 2), stepDown(50, 2, 1), believe(60, 0, 2)]);
    const report = splitBrainOf(r);
    expect(report.intervals).toEqual([
      { nodes: [2, 1], epochs: [1, 2], fromMs: 20, toMs: 50, sameEpoch: false },
      { nodes: [1, 0], epochs: [2, 2], fromMs: 60, toMs: 100, sameEpoch: true },
    ]);
    expect(report.sameEpochIntervals).toBe(1);
    expect(report.splitBrainMs).toBe(30 + 40);
  });

  it("a crash ends a belief; three leaders at once count the union of time once", () => {
    const r = run(
      [believe(0, 0, 1), believe(10, 1, 2), believe(20, 2, 3)],
      [{ t: 30, node: 0, change: "down" }],
    );
    expect(reignsOf(r).map((x) => [x.node, x.fromMs, x.toMs])).toEqual([
      [0, 0, 30],
      [1, 10, 100],
      [2, 20, 100],
    ]);
    const report = splitBrainOf(r);
    expect(report.intervals).toHaveLength(3);
    expect(report.splitBrainMs).toBe(90);
  });
});
