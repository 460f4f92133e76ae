import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findScenario } from "../scenarios/index.js";
import type { AnyScenario } from "./scenario.js";
import { executePlan, planRun } from "./scenario-run.js";
import { distUrl, packageRoot, runSweep } from "./sweep.js";

/**
 * Sweeps run compiled workers from dist/ (build first: npx tsc -p .). A seed
 * run on a worker thread is the same run as in this process: same trace hash,
 * same verdict. That is what makes a failing seed of a sweep replayable.
 */
describe("runSweep", () => {
  it("runs every seed once on worker threads, each identical to an in-process run", async () => {
    expect(existsSync(join(packageRoot(), "dist", "sim", "sweep-worker.js"))).toBe(true);
    const spec = {
      target: "pingpong-fragile",
      nemesis: { verbs: ["loss", "duplicate"], ratePerSec: 0.3 },
    };
    const seen: number[] = [];
    const report = await runSweep({
      resolverUrl: distUrl("scenarios/load.js"),
      spec,
      seedFrom: 10,
      seedTo: 29,
      workers: 2,
      onResult: (r) => seen.push(r.seed),
    });
    expect(report.runs).toBe(20);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 10 + i));
    expect(report.errors).toEqual([]);
    expect(report.failed.length).toBeGreaterThan(0);
    expect(report.passed + report.failed.length).toBe(20);
    const scenario = findScenario("pingpong-fragile") as AnyScenario;
    for (const failed of report.failed.slice(0, 3)) {
      const local = executePlan(
        planRun(scenario, {
          seed: failed.seed,
          nemesis: { verbs: ["loss", "duplicate"], ratePerSec: 0.3 },
        }),
      ).summary;
      expect(failed.traceHash).toBe(local.traceHash);
      expect(failed.violations).toEqual(local.violations);
    }
  });

  it("reports a seed the harness cannot plan as an error, not a pass", async () => {
    const report = await runSweep({
      resolverUrl: distUrl("scenarios/load.js"),
      spec: { target: "no-such-scenario" },
      seedFrom: 0,
      seedTo: 1,
      workers: 1,
    });
    expect(report.passed).toBe(0);
    expect(report.errors.map((e) => e.seed)).toEqual([0, 1]);
    expect(report.errors[0]?.error).toMatch(/unknown scenario "no-such-scenario"/);
  });
});
