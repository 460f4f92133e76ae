import { describe, expect, it } from "vitest";
import { paperRows } from "./bench-gossip.js";
import { formatPaperRows } from "./bench-report.js";
import { poissonInterval95 } from "./poisson.js";

describe("the gossip bench's rows and statistics", () => {
  it("one row per variant and k with the fields `cohort bench gossip --json` promises", () => {
    const rows = paperRows(10);
    expect(rows.map((r) => `${r.variant} ${r.k}`)).toEqual([
      ...[1, 2, 3, 4, 5].map((k) => `feedback-counter-push ${k}`),
      ...[1, 2, 3, 4, 5].map((k) => `blind-coin-push ${k}`),
      ...[1, 2, 3].map((k) => `feedback-counter-pull ${k}`),
    ]);
    for (const row of rows) {
      for (const field of ["residue", "traffic", "tAve", "tLast"] as const) {
        expect(Number.isFinite(row[field])).toBe(true);
        expect(row.paper[field]).toBeGreaterThan(0);
      }
    }
    const text = formatPaperRows(rows);
    expect(text).toContain("Table 1: feedback, counter, push");
    expect(text).toMatch(/ 1 {2}0\.\d+ \(0\.176, [+-]\d+\.\d%/);
  });

  it("Poisson 95% intervals are the exact (Garwood) ones", () => {
    expect(poissonInterval95(0).high).toBeCloseTo(3.689, 3);
    const one = poissonInterval95(1);
    expect(one.low).toBeCloseTo(0.0253, 4);
    expect(one.high).toBeCloseTo(5.572, 3);
    const nine = poissonInterval95(9);
    expect(nine.low).toBeCloseTo(4.115, 3);
    expect(nine.high).toBeCloseTo(17.085, 3);
  });
});
