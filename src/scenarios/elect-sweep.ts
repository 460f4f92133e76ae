import { reignsOf, replayFencing, splitBrainOf } from "../elect/index.js";
import type { RunView } from "../sim/scenario.js";
import { executePlan, planRun } from "../sim/scenario-run.js";
import { type ElectScenario, electionCalmMs, electionRunOf } from "./elect-scenario.js";

/** What a sweep of an `elect-*` scenario measured, summed over its seeds. */
export interface ElectSweepFigures {
  readonly scenario: string;
  readonly runs: number;
  /** Runs whose last fault ended early enough for the liveness check to judge them. */
  readonly judged: number;
  readonly failed: number;
  readonly firstFailures: readonly { seed: number; violations: readonly string[] }[];
  readonly splitBrainIntervals: number;
  readonly sameEpochIntervals: number;
  readonly splitBrainMs: number;
  /** Virtual ms of all runs together. */
  readonly runMs: number;
  /** Writes every 100 ms by each reigning leader to one fenced register: issued and rejected as stale. */
  readonly fencedWrites: number;
  readonly fencedRejected: number;
}

/**
 * Runs `scenario` for seeds `fromSeed`… (`count` of them, `durationMs` each,
 * its default nemesis) and sums the split-brain report, the fencing replay and
 * the verdicts. Deterministic. For the figures of docs/leader-election.md:
 * `node -e 'import("./dist/scenarios/elect-sweep-print.js").then((m) => m.printElectSweeps())'`.
 */
export function electSweep(
  scenario: ElectScenario<unknown, unknown>,
  boundMs: number,
  fromSeed: number,
  count: number,
  durationMs: number,
): ElectSweepFigures {
  let judged = 0;
  let intervals = 0;
  let same = 0;
  let splitMs = 0;
  let writes = 0;
  let rejected = 0;
  let runMs = 0;
  const failures: { seed: number; violations: readonly string[] }[] = [];
  for (let seed = fromSeed; seed < fromSeed + count; seed++) {
    let calm = Number.POSITIVE_INFINITY;
    const measured = {
      ...scenario,
      check(run: RunView<unknown, unknown>) {
        const er = electionRunOf(run);
        const report = splitBrainOf(er);
        const fencing = replayFencing(reignsOf(er), 100);
        intervals += report.intervals.length;
        same += report.sameEpochIntervals;
        splitMs += report.splitBrainMs;
        writes += fencing.issued;
        rejected += fencing.rejected;
        calm = electionCalmMs(run);
        return scenario.check(run);
      },
    };
    const { summary } = executePlan(planRun(measured, { seed, durationMs }));
    runMs += summary.virtualMs;
    if (calm + boundMs <= summary.virtualMs) judged += 1;
    if (summary.violations.length > 0) failures.push({ seed, violations: summary.violations });
  }
  return {
    scenario: scenario.name,
    runs: count,
    judged,
    failed: failures.length,
    firstFailures: failures.slice(0, 3),
    splitBrainIntervals: intervals,
    sameEpochIntervals: same,
    splitBrainMs: Math.round(splitMs),
    runMs: Math.round(runMs),
    fencedWrites: writes,
    fencedRejected: rejected,
  };
}
