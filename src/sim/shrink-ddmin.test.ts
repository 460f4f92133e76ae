import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ddmin } from "./shrink-ddmin.js";

describe("ddmin", () => {
  it("finds the one item to blame among many, in few tests", () => {
    const items = Array.from({ length: 64 }, (_, i) => i);
    const result = ddmin(items, (s) => s.includes(37));
    expect(result.items).toEqual([37]);
    expect(result.exhausted).toBe(false);
    expect(result.tests).toBeLessThan(40);
  });

  it("keeps both halves of a bug that needs two items, in order", () => {
    const items = Array.from({ length: 40 }, (_, i) => i);
    const result = ddmin(items, (s) => s.includes(3) && s.includes(31));
    expect(result.items).toEqual([3, 31]);
  });

  it("returns a 1-minimal failing subset for any monotone predicate (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 30 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 4 }),
        (items, needed) => {
          const all = [...items, ...needed];
          const fails = (s: number[]) => needed.every((x) => s.includes(x));
          const { items: out } = ddmin(all, fails);
          expect(fails(out)).toBe(true);
          for (let i = 0; i < out.length; i++) {
            expect(fails(out.filter((_, j) => j !== i))).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("stops at the test budget and says so", () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const result = ddmin(items, (s) => s.length > 50, 5);
    expect(result.tests).toBe(5);
    expect(result.exhausted).toBe(true);
    expect(result.items.length).toBeGreaterThan(50);
  });

  it("empties the list when the failure needs no item at all", () => {
    expect(ddmin([1, 2, 3], () => true).items).toEqual([]);
  });
});
