import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../net/launcher.js";
import { executePlan, planRun } from "../sim/scenario-run.js";
import { electBullyScenario } from "./elect-bully.js";

/**
 * Issue 5: an election scenario's run reports its split-brain intervals under
 * `splitBrain` (and their union under `splitBrainMs`) in `cohort sim --json`.
 * Needs `npx tsc -p .` first (it runs dist/cli/main.js).
 */
const MAIN = join(PACKAGE_ROOT, "dist", "cli", "main.js");

interface Interval {
  nodes: [number, number];
  epochs: [number, number];
  fromMs: number;
  toMs: number;
  sameEpoch: boolean;
}

describe("splitBrain in the run summary", () => {
  it("cohort sim elect-bully --json carries the splitBrain intervals and splitBrainMs", () => {
    let out: string;
    try {
      out = execFileSync("node", [MAIN, "sim", "elect-bully", "--seed", "3", "--json"], {
        encoding: "utf8",
      });
    } catch (error) {
      // exit 1 (a liveness violation) still prints the summary
      out = String((error as { stdout?: string }).stdout ?? "");
    }
    const json = JSON.parse(out) as Record<string, unknown>;
    expect(json.scenario).toBe("elect-bully");
    expect(Array.isArray(json.splitBrain)).toBe(true);
    expect(typeof json.splitBrainMs).toBe("number");
    const intervals = json.splitBrain as Interval[];
    for (const x of intervals) {
      expect(x.nodes[0]).not.toBe(x.nodes[1]);
      expect(x.toMs).toBeGreaterThan(x.fromMs);
      expect(x.sameEpoch).toBe(x.epochs[0] === x.epochs[1]);
    }
    expect(intervals.length === 0).toBe(json.splitBrainMs === 0);
  });

  it("the summary's splitBrain is the scenario's own split-brain report of the run", () => {
    const plan = planRun(electBullyScenario, {
      seed: 1,
      nodes: 4,
      durationMs: 8000,
      nemesis: "none",
      faults: [{ at: 1000, fault: "partition", shape: "halves", healAt: 5000 }],
    });
    const { summary } = executePlan(plan);
    const json = JSON.parse(JSON.stringify(summary)) as Record<string, unknown>;
    const intervals = json.splitBrain as Interval[];
    expect(intervals.length).toBeGreaterThan(0);
    expect(json.splitBrainMs).toBeGreaterThan(0);
    expect(summary.violations).toEqual([]);
  });
});
