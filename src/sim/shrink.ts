import { assert } from "../core/index.js";
import type { RunPlan } from "./scenario-run.js";
import { executePlan } from "./scenario-run.js";
import type { ScheduledFault } from "./schedule.js";
import { ddmin } from "./shrink-ddmin.js";
import type { RunSummary } from "./summary.js";

/**
 * What a violation says with its times, counts and node ids blurred, so "fails
 * the same way" tolerates the same bug showing up a little earlier or on
 * another node: `t=7104.2ms n2 … ping #72 from n1 twice` → `n# … ping ## from n# twice`.
 */
export function violationSignature(violation: string): string {
  return violation.replace(/^t=[\d.]+ms /, "").replace(/\d+/g, "#");
}

/** Options of a shrink. */
export interface ShrinkOptions {
  /** Most simulator runs to spend (ddmin plus the later passes). Default 2000. */
  readonly runsMax?: number;
  /** Called after each run with a one-line note, for progress output. */
  readonly onStep?: (note: string) => void;
}

/** What shrinking found. */
export interface ShrinkResult {
  /** The original run (it failed). */
  readonly original: RunSummary;
  /** The violation signature the shrunk run keeps. */
  readonly signature: string;
  /** The minimal plan: its explicit schedule only, no random nemesis. */
  readonly plan: RunPlan;
  /** The shrunk plan's run: it fails with `signature`. */
  readonly summary: RunSummary;
  /** Simulator runs spent. */
  readonly runs: number;
  /** True when the budget ran out: the schedule still fails but may not be minimal. */
  readonly exhausted: boolean;
}

/** `plan` with exactly `schedule` and `durationMs`, and no random nemesis. */
export function explicitPlan(
  plan: RunPlan,
  schedule: readonly ScheduledFault[],
  durationMs: number,
): RunPlan {
  return {
    ...plan,
    settings: {
      ...plan.settings,
      durationMs,
      nemesis: "none",
      ratePerSec: 0,
      explicitFaults: schedule.length,
    },
    schedule,
  };
}

/**
 * Minimises the fault schedule of a failing run: delta debugging over the
 * injected faults (ddmin: a 1-minimal subset that still fails the same way),
 * then earlier heals (halving each fault's length while it still fails), then a
 * shorter run (ending just after the violation), then the smallest cluster
 * the faults allow. Every candidate runs the same seed with an explicit
 * schedule. Returns undefined when `plan` does not fail. The result is always
 * a plan that was run and failed with the original's first violation signature.
 */
export function shrinkPlan(plan: RunPlan, options: ShrinkOptions = {}): ShrinkResult | undefined {
  const original = executePlan(plan).summary;
  const first = original.violations[0];
  if (first === undefined) return undefined;
  const signature = violationSignature(first);
  const runsMax = options.runsMax ?? 2000;
  let runs = 1;
  let best: { plan: RunPlan; summary: RunSummary } = { plan, summary: original };
  const failsWith = (candidate: RunPlan): RunSummary | undefined => {
    runs += 1;
    const summary = executePlan(candidate).summary;
    const same = summary.violations.some((v) => violationSignature(v) === signature);
    options.onStep?.(
      `run ${runs}: ${candidate.settings.nodes} nodes, ${candidate.schedule.length} faults, ${candidate.settings.durationMs} ms: ${same ? "fails" : "passes"}`,
    );
    if (same) best = { plan: candidate, summary };
    return same ? summary : undefined;
  };
  let durationMs = plan.settings.durationMs;
  const minimal = ddmin(
    plan.schedule,
    (subset) => failsWith(explicitPlan(plan, subset, durationMs)) !== undefined,
    Math.max(1, runsMax - 1),
  );
  let schedule = minimal.items;
  const budgetLeft = () => runs < runsMax;
  schedule = healEarlier(plan, schedule, durationMs, failsWith, budgetLeft);
  durationMs = shorterRun(plan, schedule, durationMs, failsWith, budgetLeft);
  const trimmed = schedule.filter((f) => f.at < durationMs || durationMs === 0);
  let shrunk = explicitPlan(plan, trimmed, durationMs);
  if (failsWith(shrunk) === undefined) shrunk = explicitPlan(plan, schedule, durationMs);
  if (budgetLeft()) fewerNodes(shrunk, failsWith);
  assert(
    best.summary.violations.some((v) => violationSignature(v) === signature),
    () => `shrink: kept a run that does not fail with ${signature}`,
  );
  assert(
    best.plan.schedule.length <= plan.schedule.length,
    () => `shrink: ${best.plan.schedule.length} faults grew from ${plan.schedule.length}`,
  );
  return {
    original,
    signature,
    plan: best.plan,
    summary: best.summary,
    runs,
    exhausted: minimal.exhausted || !budgetLeft(),
  };
}

/**
 * Tries the smallest clusters first, from the fewest nodes the scenario and
 * the faults allow up to one less than now; the first that still fails is kept
 * (by `failsWith`). Partition groups and node lists lose the nodes cut away.
 */
function fewerNodes(plan: RunPlan, failsWith: FailsWith): void {
  const pinned = plan.schedule.flatMap((f) => pinnedNodes(f));
  const floor = Math.max(plan.scenario.nodesMin, 1, ...pinned.map((n) => n + 1));
  for (let nodes = floor; nodes < plan.settings.nodes; nodes++) {
    const schedule = plan.schedule.map((f) => withinNodes(f, nodes));
    if (schedule.some((f) => f === undefined)) continue;
    const candidate: RunPlan = {
      ...plan,
      settings: { ...plan.settings, nodes },
      schedule: schedule as ScheduledFault[],
    };
    if (failsWith(candidate) !== undefined) return;
  }
}

/** The nodes a fault cannot do without: its `node`, `from` and `to`. */
function pinnedNodes(fault: ScheduledFault): number[] {
  const record = fault as unknown as Record<string, unknown>;
  return ["node", "from", "to"]
    .map((k) => record[k])
    .filter((v): v is number => typeof v === "number");
}

/**
 * The fault with its partition groups and node lists cut down to nodes below
 * `nodes`; undefined when that leaves it meaningless (an empty node list, a
 * partition of fewer than two groups).
 */
function withinNodes(fault: ScheduledFault, nodes: number): ScheduledFault | undefined {
  if (fault.fault === "partition") {
    const groups = fault.groups.map((g) => g.filter((n) => n < nodes)).filter((g) => g.length > 0);
    return groups.length >= 2 ? { ...fault, groups } : undefined;
  }
  if ("nodes" in fault && fault.nodes !== undefined) {
    const kept = fault.nodes.filter((n) => n < nodes);
    return kept.length > 0 ? { ...fault, nodes: kept } : undefined;
  }
  return fault;
}

type FailsWith = (candidate: RunPlan) => RunSummary | undefined;

/** Halves each fault's length (healAt, or a restart's downMs) while the run still fails. */
function healEarlier(
  plan: RunPlan,
  schedule: ScheduledFault[],
  durationMs: number,
  failsWith: FailsWith,
  budgetLeft: () => boolean,
): ScheduledFault[] {
  const current = [...schedule];
  for (let i = 0; i < current.length; i++) {
    for (let halvings = 0; halvings < 8 && budgetLeft(); halvings++) {
      const fault = current[i] as ScheduledFault;
      const shorter = halved(fault);
      if (shorter === undefined) break;
      const candidate = current.map((f, j) => (j === i ? shorter : f));
      if (failsWith(explicitPlan(plan, candidate, durationMs)) === undefined) break;
      current[i] = shorter;
    }
  }
  return current;
}

/** The fault with half its length, or undefined when it has none left to halve. */
function halved(fault: ScheduledFault): ScheduledFault | undefined {
  if (fault.fault === "restart") {
    const down = fault.downMs ?? 0;
    return down >= 2 ? { ...fault, downMs: Math.floor(down / 2) } : undefined;
  }
  if (fault.healAt === undefined) return undefined;
  const length = fault.healAt - fault.at;
  return length >= 2 ? { ...fault, healAt: fault.at + Math.ceil(length / 2) } : undefined;
}

/**
 * A shorter run that still fails: just past the violation when a handler
 * broke an invariant (the run is identical up to then), else halving the
 * length while it still fails.
 */
function shorterRun(
  plan: RunPlan,
  schedule: ScheduledFault[],
  durationMs: number,
  failsWith: FailsWith,
  budgetLeft: () => boolean,
): number {
  const lastAt = schedule.reduce((m, f) => Math.max(m, f.at), 0);
  const now = failsWith(explicitPlan(plan, schedule, durationMs));
  if (now === undefined) return durationMs;
  let best = durationMs;
  if (now.stopReason === "violation") {
    const justAfter = Math.max(lastAt + 1, Math.ceil(now.virtualMs) + 1);
    if (justAfter < best && failsWith(explicitPlan(plan, schedule, justAfter)) !== undefined)
      best = justAfter;
    return best;
  }
  for (let tries = 0; tries < 8 && budgetLeft(); tries++) {
    const candidate = Math.max(lastAt + 1, Math.floor(best / 2));
    if (candidate >= best || failsWith(explicitPlan(plan, schedule, candidate)) === undefined)
      break;
    best = candidate;
  }
  return best;
}
