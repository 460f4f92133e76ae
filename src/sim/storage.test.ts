import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Prng } from "./prng.js";
import { SimStorage } from "./storage.js";

const draw = (seed: number) => {
  const rng = new Prng(seed, 0);
  return () => rng.next();
};

describe("SimStorage", () => {
  it("copies on write and on read", () => {
    const s = new SimStorage();
    const value = { list: [1, 2] };
    s.put("k", value);
    value.list.push(3);
    const read = s.get("k") as { list: number[] };
    expect(read).toEqual({ list: [1, 2] });
    read.list.push(4);
    expect(s.get("k")).toEqual({ list: [1, 2] });
  });

  it("lists keys by prefix in order, and deletes", () => {
    const s = new SimStorage();
    for (const k of ["b/2", "a/1", "b/1", "c"]) s.put(k, k);
    s.delete("c");
    s.delete("missing");
    expect(s.keys()).toEqual(["a/1", "b/1", "b/2"]);
    expect(s.keys("b/")).toEqual(["b/1", "b/2"]);
  });

  it("a crash loses exactly the writes after the last sync", () => {
    const s = new SimStorage();
    s.put("a", 1);
    s.put("b", 2);
    s.sync();
    s.put("a", 10);
    s.delete("b");
    s.put("c", 3);
    s.crash(false, draw(1));
    expect(s.recover()).toEqual({ recordsRecovered: 2, recordsTruncated: 0 });
    expect([...s.snapshot()]).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
  });

  it("property: a torn crash keeps the synced state plus a prefix of the unsynced writes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "d"), fc.integer()), { maxLength: 20 }),
        fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "d"), fc.integer()), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.integer(),
        (synced, unsynced, seed) => {
          const s = new SimStorage();
          for (const [k, v] of synced) s.put(k, v);
          s.sync();
          for (const [k, v] of unsynced) s.put(k, v);
          s.crash(true, draw(seed));
          const report = s.recover();
          expect(report.recordsTruncated).toBe(1);
          const kept = report.recordsRecovered - synced.length;
          expect(kept).toBeGreaterThanOrEqual(0);
          expect(kept).toBeLessThan(unsynced.length);
          const expected = new Map<string, number>();
          for (const [k, v] of [...synced, ...unsynced.slice(0, kept)]) expected.set(k, v);
          expect(new Map(s.snapshot())).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("a corrupted synced record cuts the log from it at recovery", () => {
    const s = new SimStorage();
    for (let i = 0; i < 6; i++) s.put(`k${i}`, i);
    s.sync();
    const index = s.corruptSynced(draw(4));
    expect(index).toBeGreaterThanOrEqual(0);
    s.crash(false, draw(1));
    const report = s.recover();
    expect(report).toEqual({
      recordsRecovered: index,
      recordsTruncated: 6 - index,
      reason: `corrupt record at index ${index}`,
    });
    expect(s.keys()).toEqual(Array.from({ length: index }, (_, i) => `k${i}`));
  });

  it("corrupting storage with nothing synced does nothing", () => {
    const s = new SimStorage();
    s.put("a", 1);
    expect(s.corruptSynced(draw(1))).toBe(-1);
  });

  it("compaction at sync keeps the state and the crash semantics", () => {
    const s = new SimStorage();
    for (let i = 0; i < 500; i++) s.put(`k${i % 5}`, i);
    s.sync();
    s.put("k0", -1);
    s.crash(false, draw(1));
    const report = s.recover();
    expect(report.recordsRecovered).toBe(5);
    expect(s.get("k0")).toBe(495);
    expect(s.get("k4")).toBe(499);
  });
});
