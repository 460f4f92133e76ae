import type { NodeId } from "../core/index.js";
import type { AnyScenario, NodeLifecycleEvent, RunView } from "./scenario.js";
import type { RunPlan } from "./scenario-plan.js";
import { replayCommand } from "./scenario-plan.js";
import type { ScheduledFault } from "./schedule.js";
import { fromFaultSpec, toFaultSpec } from "./schedule.js";
import { Simulation } from "./simulation.js";
import type { RunSummary } from "./summary.js";
import { withResults } from "./summary.js";
import type { FaultRecord, Violation } from "./types.js";

// Planning and the determinism check live in their own files; re-exported here
// so `scenario-run.js` stays the one import for running scenarios.
export type { DeterminismReport } from "./scenario-determinism.js";
export { checkDeterminism } from "./scenario-determinism.js";
export type { RunPlan, RunRequest } from "./scenario-plan.js";
export { planRun, RUN_LIMITS, RunSetupError, replayCommand } from "./scenario-plan.js";

/** What one run produced: its summary, and the full trace as JSONL when it was kept. */
export interface RunOutcome {
  readonly summary: RunSummary;
  readonly traceJsonl?: string;
}

/**
 * Runs a plan on the engine: injects every scheduled fault at its time, runs to
 * `durationMs` (or until a protocol invariant breaks), then asks the scenario's
 * `check` to judge the omniscient view and its `results` (if any) for extra
 * figures, added to the summary under their own keys. Deterministic except
 * `wallMs`. Throws an `AssertionError` when a `results` key collides with a
 * standard summary field.
 */
export function executePlan(plan: RunPlan, options: { keepTrace?: boolean } = {}): RunOutcome {
  const { scenario, settings } = plan;
  const wallStart = performance.now();
  const sim = new Simulation<unknown, unknown>({
    seed: plan.seed,
    nodeCount: settings.nodes,
    create: (id) => scenario.create(id, settings.nodes),
    validate: (msg) => scenario.validate(msg),
    keepTrace: options.keepTrace ?? false,
    ...(settings.network === undefined ? {} : { network: settings.network }),
    ...(settings.receiveBufferCapacity === undefined
      ? {}
      : { receiveBufferCapacity: settings.receiveBufferCapacity }),
  });
  for (const fault of plan.schedule) sim.schedule(fault.at, toFaultSpec(fault));
  const stopReason = sim.run(settings.durationMs);
  const injected = sim.faults().map((record) => scheduledOf(record, plan.schedule));
  const violation = sim.violation();
  const view: RunView = {
    seed: plan.seed,
    nodeCount: settings.nodes,
    durationMs: settings.durationMs,
    endMs: sim.now,
    events: sim.events(),
    faults: injected,
    lifecycle: lifecycleOf(sim.faults()),
    counters: sim.counters(),
    violation,
    node: (id: NodeId) => sim.node(id),
    status: (id: NodeId) => sim.status(id),
  };
  const extra = runResults(scenario, view);
  const violations = [
    ...(violation === undefined ? [] : [describeViolation(violation)]),
    ...runCheck(scenario, view),
    ...extra.violations,
  ];
  const c = view.counters;
  const standard: RunSummary = {
    scenario: scenario.name,
    seed: plan.seed,
    settings,
    traceHash: sim.traceHash(),
    virtualMs: sim.now,
    stopReason,
    events: c.events,
    emitted: view.events.length,
    messages: {
      sent: c.sent,
      delivered: c.delivered,
      dropped: c.dropped,
      duplicated: c.duplicated,
      replayed: c.replayed,
      corrupted: c.corrupted,
      inFlight: sim.inFlight,
    },
    faults: injected,
    violations,
    wallMs: Math.round(performance.now() - wallStart),
    replay: replayCommand(plan),
  };
  const summary = withResults(standard, extra.results);
  return options.keepTrace ? { summary, traceJsonl: sim.traceJsonl() } : { summary };
}

/** The scenario's verdict; a check that throws is reported as a violation, never as a crash of the run. */
function runCheck(scenario: AnyScenario, view: RunView): string[] {
  try {
    return scenario.check(view);
  } catch (error) {
    return [
      `${scenario.name} check threw: ${error instanceof Error ? error.message : String(error)}`,
    ];
  }
}

/**
 * The scenario's extra figures (none when it has no `results`); a `results`
 * that throws or returns something other than a plain object is reported as a
 * violation and adds no figures.
 */
function runResults(
  scenario: AnyScenario,
  view: RunView,
): { results: Readonly<Record<string, unknown>>; violations: string[] } {
  if (scenario.results === undefined) return { results: {}, violations: [] };
  let results: unknown;
  try {
    results = scenario.results(view);
  } catch (error) {
    return {
      results: {},
      violations: [
        `${scenario.name} results threw: ${error instanceof Error ? error.message : String(error)}`,
      ],
    };
  }
  if (typeof results !== "object" || results === null || Array.isArray(results)) {
    return {
      results: {},
      violations: [
        `${scenario.name} results: expected an object of named figures, got ${Array.isArray(results) ? "an array" : String(results)}`,
      ],
    };
  }
  return { results: results as Readonly<Record<string, unknown>>, violations: [] };
}

/** One line for an invariant that broke inside a handler. */
export function describeViolation(v: Violation): string {
  return `t=${roundMs(v.t)}ms n${v.node} ${v.kind} in ${v.during} handler: ${v.message}`;
}

/** Virtual ms to at most three decimals, for messages. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** The scheduled form of an engine fault record; a partition gets back its planned shape. */
function scheduledOf(record: FaultRecord, schedule: readonly ScheduledFault[]): ScheduledFault {
  const fault = fromFaultSpec(record.spec, record.atMs, record.healedAtMs);
  const planned = schedule[record.id];
  if (
    fault.fault === "partition" &&
    planned?.fault === "partition" &&
    planned.shape !== undefined
  ) {
    const head = { at: fault.at, fault: "partition", shape: planned.shape };
    return { ...head, ...withoutHead(fault) } as ScheduledFault;
  }
  return fault;
}

function withoutHead(fault: ScheduledFault): Record<string, unknown> {
  const { at: _at, fault: _verb, ...rest } = fault;
  return rest;
}

/**
 * When nodes went down and came back, from the crash, failstop and restart
 * records, following the engine's rules: going down is a no-op for a node
 * already down, coming up a no-op for a node already up (a restart's crash
 * and its start at `downMs` are both counted).
 */
export function lifecycleOf(records: readonly FaultRecord[]): NodeLifecycleEvent[] {
  const raw: NodeLifecycleEvent[] = [];
  for (const r of records) {
    const s = r.spec;
    if (s.verb !== "crash" && s.verb !== "failstop" && s.verb !== "restart") continue;
    raw.push({ t: r.atMs, node: s.node, change: "down", cause: s.verb });
    const upAt = s.verb === "restart" ? r.atMs + (s.downMs ?? 0) : r.healedAtMs;
    if (upAt !== undefined) raw.push({ t: upAt, node: s.node, change: "up", cause: s.verb });
  }
  const ordered = raw.map((e, i) => ({ e, i })).sort((a, b) => a.e.t - b.e.t || a.i - b.i);
  const down = new Set<NodeId>();
  const events: NodeLifecycleEvent[] = [];
  for (const { e } of ordered) {
    if ((e.change === "down") === down.has(e.node)) continue;
    if (e.change === "down") down.add(e.node);
    else down.delete(e.node);
    events.push(e);
  }
  return events;
}
