import { assert } from "../core/index.js";
import type { RunPlan } from "./scenario-plan.js";
import { executePlan } from "./scenario-run.js";
import type { RunSummary } from "./summary.js";

/** What `--check-determinism` found. */
export interface DeterminismReport {
  readonly same: boolean;
  readonly first: RunSummary;
  readonly second: RunSummary;
  /** The first difference, when there is one: the hash, and the first trace line that differs. */
  readonly difference?: string;
}

/** Runs `plan` twice with full traces and reports the first difference. */
export function checkDeterminism(plan: RunPlan): DeterminismReport {
  const a = executePlan(plan, { keepTrace: true });
  const b = executePlan(plan, { keepTrace: true });
  assert(a.traceJsonl !== undefined && b.traceJsonl !== undefined, "traces were kept");
  if (a.summary.traceHash === b.summary.traceHash && a.traceJsonl === b.traceJsonl) {
    return { same: true, first: a.summary, second: b.summary };
  }
  const linesA = a.traceJsonl.split("\n");
  const linesB = b.traceJsonl.split("\n");
  let i = 0;
  while (i < linesA.length && i < linesB.length && linesA[i] === linesB[i]) i++;
  const difference = [
    `traceHash ${a.summary.traceHash} vs ${b.summary.traceHash}`,
    `first difference at trace line ${i + 1}:`,
    `  run 1: ${linesA[i] ?? "(end of trace)"}`,
    `  run 2: ${linesB[i] ?? "(end of trace)"}`,
  ].join("\n");
  return { same: false, first: a.summary, second: b.summary, difference };
}
