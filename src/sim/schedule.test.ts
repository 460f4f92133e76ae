import { describe, expect, it } from "vitest";
import { checkFault } from "./fault-check.js";
import type { ScheduledFault } from "./schedule.js";
import { describeFault, fromFaultSpec, PARTITION_SHAPES, toFaultSpec } from "./schedule.js";
import { connected, partitionGroups } from "./schedule-partition.js";
import { randomSchedule } from "./schedule-random.js";
import { ScheduleRng } from "./schedule-rng.js";
import { FAULT_VERBS } from "./types.js";

function seesCount(groups: number[][], node: number, n: number): number {
  let count = 0;
  for (let other = 0; other < n; other++) if (connected(groups, node, other)) count++;
  return count;
}

describe("partition shapes", () => {
  it("halves, majority and isolate split every node into two disjoint sides", () => {
    for (const n of [2, 3, 5, 6, 9]) {
      const sizes = (shape: "halves" | "majority" | "isolate") =>
        partitionGroups(shape, n, new ScheduleRng(n)).map((g) => g.length);
      expect(sizes("halves")).toEqual([Math.floor(n / 2), Math.ceil(n / 2)]);
      const [minority, majority] = sizes("majority");
      if (n >= 3) expect(majority).toBeGreaterThan(n / 2);
      expect((minority ?? 0) + (majority ?? 0)).toBe(n);
      expect(sizes("isolate")).toEqual([1, n - 1]);
      for (const shape of ["halves", "majority", "isolate"] as const) {
        const flat = partitionGroups(shape, n, new ScheduleRng(1))
          .flat()
          .sort((a, b) => a - b);
        expect(flat).toEqual(Array.from({ length: n }, (_, i) => i));
      }
    }
  });

  it("bridge: one node sees everyone, the two sides do not see each other", () => {
    const groups = partitionGroups("bridge", 5, new ScheduleRng(3));
    const [a, b] = groups as [number[], number[]];
    const bridge = a.filter((x) => b.includes(x));
    expect(bridge).toHaveLength(1);
    expect(seesCount(groups, bridge[0] as number, 5)).toBe(5);
    const left = a.find((x) => x !== bridge[0]) as number;
    const right = b.find((x) => x !== bridge[0]) as number;
    expect(connected(groups, left, right)).toBe(false);
  });

  it("ring: every node sees a majority but not everyone, and the views differ", () => {
    for (const n of [5, 6, 7, 9]) {
      const groups = partitionGroups("ring", n, new ScheduleRng(n));
      const views = new Set<string>();
      for (let node = 0; node < n; node++) {
        expect(seesCount(groups, node, n)).toBeGreaterThanOrEqual(Math.floor(n / 2) + 1);
        expect(seesCount(groups, node, n)).toBeLessThan(n);
        const view = [];
        for (let o = 0; o < n; o++) if (connected(groups, node, o)) view.push(o);
        views.add(view.join(","));
      }
      expect(views.size).toBe(n);
    }
  });

  it("the same seed gives the same groups; another seed, usually others", () => {
    for (const shape of PARTITION_SHAPES) {
      expect(partitionGroups(shape, 7, new ScheduleRng(11))).toEqual(
        partitionGroups(shape, 7, new ScheduleRng(11)),
      );
    }
    const distinct = new Set(
      Array.from({ length: 10 }, (_, s) =>
        JSON.stringify(partitionGroups("halves", 8, new ScheduleRng(s))),
      ),
    );
    expect(distinct.size).toBeGreaterThan(5);
  });
});

describe("random schedules", () => {
  const input = { seed: 42, nodeCount: 5, durationMs: 60_000 };

  it("are a function of the seed", () => {
    const nemesis = { verbs: FAULT_VERBS, ratePerSec: 1 };
    expect(randomSchedule({ ...input, nemesis })).toEqual(randomSchedule({ ...input, nemesis }));
    expect(randomSchedule({ ...input, nemesis })).not.toEqual(
      randomSchedule({ ...input, seed: 43, nemesis }),
    );
  });

  it("random mixes every verb; a list draws only those", () => {
    const all = randomSchedule({ ...input, nemesis: { verbs: FAULT_VERBS, ratePerSec: 2 } });
    expect(new Set(all.map((f) => f.fault))).toEqual(new Set(FAULT_VERBS));
    const some = randomSchedule({
      ...input,
      nemesis: { verbs: ["crash", "partition", "loss"], ratePerSec: 2 },
    });
    expect(new Set(some.map((f) => f.fault))).toEqual(new Set(["crash", "partition", "loss"]));
  });

  it("holds about rate × 80% of the run faults, sorted, healed within the run", () => {
    const faults = randomSchedule({ ...input, nemesis: { verbs: FAULT_VERBS, ratePerSec: 2 } });
    expect(faults.length).toBeGreaterThan(60);
    expect(faults.length).toBeLessThan(140);
    for (let i = 1; i < faults.length; i++) {
      expect(faults[i]?.at).toBeGreaterThanOrEqual(faults[i - 1]?.at ?? 0);
    }
    for (const f of faults) {
      expect(f.at).toBeLessThan(48_000);
      if (f.healAt !== undefined) {
        expect(f.healAt).toBeGreaterThan(f.at);
        expect(f.healAt).toBeLessThanOrEqual(60_000);
      }
      if (f.fault === "pause") expect(f.healAt).toBeDefined();
    }
  });

  it("every drawn fault is one the engine accepts, for any seed and cluster size", () => {
    for (let seed = 0; seed < 40; seed++) {
      const nodeCount = 1 + (seed % 9);
      const faults = randomSchedule({
        seed,
        nodeCount,
        durationMs: 20_000,
        nemesis: { verbs: FAULT_VERBS, ratePerSec: 3 },
      });
      for (const fault of faults)
        expect(checkFault(toFaultSpec(fault), nodeCount), describeFault(fault)).toBeUndefined();
      if (nodeCount === 1)
        expect(faults.some((f) => f.fault === "partition" || f.fault === "link")).toBe(false);
    }
  });

  it("no verbs or a zero rate means no faults", () => {
    expect(randomSchedule({ ...input, nemesis: { verbs: [], ratePerSec: 5 } })).toEqual([]);
    expect(randomSchedule({ ...input, nemesis: { verbs: FAULT_VERBS, ratePerSec: 0 } })).toEqual(
      [],
    );
  });
});

describe("scheduled faults and engine specs", () => {
  it("convert both ways: healAt ↔ durationMs", () => {
    const fault: ScheduledFault = {
      at: 1000,
      fault: "partition",
      shape: "halves",
      groups: [
        [0, 1],
        [2, 3, 4],
      ],
      healAt: 5000,
    };
    const spec = toFaultSpec(fault);
    expect(spec).toEqual({
      verb: "partition",
      groups: [
        [0, 1],
        [2, 3, 4],
      ],
      durationMs: 4000,
    });
    expect(fromFaultSpec(spec, 1000)).toEqual({ ...fault, shape: undefined, healAt: 5000 });
    expect(toFaultSpec({ at: 5, fault: "crash", node: 3 })).toEqual({ verb: "crash", node: 3 });
  });

  it("describe themselves in one line", () => {
    expect(
      describeFault({
        at: 1000,
        fault: "partition",
        shape: "halves",
        groups: [
          [0, 1],
          [2, 3],
        ],
        healAt: 5000,
      }),
    ).toBe("t=1000ms partition halves [0,1 | 2,3] until 5000ms");
    expect(describeFault({ at: 20, fault: "loss", probability: 0.5, nodes: [1, 2] })).toBe(
      "t=20ms loss probability=0.5 nodes=[1,2]",
    );
  });
});
