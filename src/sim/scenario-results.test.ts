import { describe, expect, it } from "vitest";
import { AssertionError } from "../core/index.js";
import { findScenario } from "../scenarios/index.js";
import type { AnyScenario } from "./scenario.js";
import { executePlan, planRun } from "./scenario-run.js";
import { extraKeys, formatExtra, formatSummary, RUN_SUMMARY_KEYS } from "./summary.js";

const pingpong = (): AnyScenario => {
  const found = findScenario("pingpong");
  if (found === undefined) throw new Error("no scenario pingpong");
  return found;
};

describe("a scenario's own results in the run summary", () => {
  it("the standard keys are exactly the fields of a summary without results", () => {
    const { summary } = executePlan(planRun(pingpong(), { seed: 2 }));
    expect(Object.keys(summary).sort()).toEqual([...RUN_SUMMARY_KEYS].sort());
    expect(extraKeys(summary)).toEqual([]);
  });

  it("appear at the top level of the JSON summary, after the standard fields, and as text lines", () => {
    const withFigures: AnyScenario = {
      ...pingpong(),
      results: (run) => ({ delivered: run.counters.delivered, pairs: [[0, 1]], detail: { a: 1 } }),
    };
    const { summary } = executePlan(planRun(withFigures, { seed: 2 }));
    const json = JSON.parse(JSON.stringify(summary)) as Record<string, unknown>;
    expect(json.delivered).toBe(summary.messages.delivered);
    expect(json.pairs).toEqual([[0, 1]]);
    expect(json.detail).toEqual({ a: 1 });
    expect(Object.keys(json).slice(-3)).toEqual(["delivered", "pairs", "detail"]);
    expect(summary.violations).toEqual([]);
    const text = formatSummary(summary);
    expect(text).toContain(`delivered: ${summary.messages.delivered}`);
    expect(text).toContain("pairs: 1 entry (--json lists them)");
    expect(text).not.toContain("detail");
  });

  it("never decide pass/fail, and the same seed gives the same figures", () => {
    const withFigures: AnyScenario = { ...pingpong(), results: (run) => ({ endMs: run.endMs }) };
    const a = executePlan(planRun(withFigures, { seed: 5 })).summary;
    const b = executePlan(planRun(withFigures, { seed: 5 })).summary;
    expect(a.violations).toEqual([]);
    expect((a as unknown as Record<string, unknown>).endMs).toBe(a.virtualMs);
    expect((b as unknown as Record<string, unknown>).endMs).toBe(a.virtualMs);
  });

  it("a key that collides with a standard field is refused", () => {
    const colliding: AnyScenario = { ...pingpong(), results: () => ({ ok: 1, violations: [] }) };
    const run = () => executePlan(planRun(colliding, { seed: 1 }));
    expect(run).toThrow(AssertionError);
    expect(run).toThrow(/pingpong results: key "violations" collides/);
  });

  it("a results that throws, or returns a non-object, is a violation and adds nothing", () => {
    const throwing: AnyScenario = {
      ...pingpong(),
      results: () => {
        throw new Error("bad figures");
      },
    };
    const thrown = executePlan(planRun(throwing, { seed: 1 })).summary;
    expect(thrown.violations).toEqual(["pingpong results threw: bad figures"]);
    expect(extraKeys(thrown)).toEqual([]);
    const notObject: AnyScenario = {
      ...pingpong(),
      results: () => [1, 2] as unknown as Record<string, unknown>,
    };
    const listed = executePlan(planRun(notObject, { seed: 1 })).summary;
    expect(listed.violations).toEqual([
      "pingpong results: expected an object of named figures, got an array",
    ]);
    expect(extraKeys(listed)).toEqual([]);
  });

  it("text lines: primitives as is, arrays by length, objects left to --json", () => {
    expect(formatExtra("x", 3)).toBe("x: 3");
    expect(formatExtra("x", 4814.950070999563)).toBe("x: 4814.95");
    expect(formatExtra("x", "y")).toBe("x: y");
    expect(formatExtra("x", [])).toBe("x: 0 entries");
    expect(formatExtra("x", [1, 2])).toBe("x: 2 entries (--json lists them)");
    expect(formatExtra("x", { a: 1 })).toBeUndefined();
  });
});
