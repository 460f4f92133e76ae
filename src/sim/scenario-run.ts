import type { NodeId } from "../core/index.js";
import { assert } from "../core/index.js";
import { checkFault } from "./fault-check.js";
import type { AnyScenario, NodeLifecycleEvent, RunView } from "./scenario.js";
import type { ScheduledFault } from "./schedule.js";
import { describeFault, fromFaultSpec, toFaultSpec } from "./schedule.js";
import type { RandomNemesis } from "./schedule-random.js";
import { randomSchedule } from "./schedule-random.js";
import type { DraftFault } from "./schedule-validate.js";
import { checkScheduleNodes, resolveSchedule } from "./schedule-validate.js";
import { Simulation } from "./simulation.js";
import type { RunSettings, RunSummary } from "./summary.js";
import type { FaultRecord, NetworkConfig, Violation } from "./types.js";
import { FAULT_VERBS } from "./types.js";

/** What to run: a seed and any settings that override the scenario's defaults. */
export interface RunRequest {
  readonly seed: number;
  readonly nodes?: number;
  readonly durationMs?: number;
  /** The random nemesis; absent: the scenario's default (none when it has none). */
  readonly nemesis?: RandomNemesis | "none";
  /** Explicit faults (a scenario file's, or a shrunk schedule), injected beside the random ones. */
  readonly faults?: readonly DraftFault[];
  readonly network?: NetworkConfig;
  readonly receiveBufferCapacity?: number;
  /** The scenario file this request came from (for the replay command). */
  readonly file?: string;
}

/** A run fully decided before it starts: settings and the whole fault schedule. */
export interface RunPlan {
  readonly scenario: AnyScenario;
  readonly seed: number;
  readonly settings: RunSettings;
  /** Every fault the run will inject, explicit and random, in `at` order. */
  readonly schedule: readonly ScheduledFault[];
}

/** A request that cannot run (bad node count, a fault naming a missing node); the message names the setting. */
export class RunSetupError extends Error {
  override readonly name = "RunSetupError";
}

/** Limits on a run's settings. */
export const RUN_LIMITS = { durationMsMax: 1e12, seedMax: 4294967295 } as const;

function nemesisLabel(nemesis: RandomNemesis | "none"): string {
  if (nemesis === "none" || nemesis.verbs.length === 0 || nemesis.ratePerSec === 0) return "none";
  const all = FAULT_VERBS.every((v) => nemesis.verbs.includes(v));
  return all ? "random" : nemesis.verbs.join(",");
}

/**
 * Decides a run: merges the request over the scenario's defaults, checks the
 * result (throws `RunSetupError` naming the setting), draws the random
 * schedule from the seed and resolves the explicit faults. Pure: the same
 * scenario and request give the same plan.
 */
export function planRun(scenario: AnyScenario, request: RunRequest): RunPlan {
  const d = scenario.defaults;
  const nodes = request.nodes ?? d.nodes;
  const durationMs = request.durationMs ?? d.durationMs;
  const nemesis = request.nemesis ?? d.nemesis ?? "none";
  if (
    !Number.isSafeInteger(request.seed) ||
    request.seed < 0 ||
    request.seed > RUN_LIMITS.seedMax
  ) {
    throw new RunSetupError(
      `seed: expected an integer in [0, ${RUN_LIMITS.seedMax}], got ${request.seed}`,
    );
  }
  if (!Number.isSafeInteger(nodes) || nodes < scenario.nodesMin || nodes > scenario.nodesMax) {
    throw new RunSetupError(
      `nodes: ${scenario.name} runs ${scenario.nodesMin}..${scenario.nodesMax} nodes, got ${nodes}`,
    );
  }
  if (
    !Number.isSafeInteger(durationMs) ||
    durationMs < 0 ||
    durationMs > RUN_LIMITS.durationMsMax
  ) {
    throw new RunSetupError(
      `duration: expected ms in [0, ${RUN_LIMITS.durationMsMax}], got ${durationMs}`,
    );
  }
  const explicit = request.faults ?? [];
  const problem = checkScheduleNodes(explicit, nodes);
  if (problem !== undefined) throw new RunSetupError(problem);
  const random =
    nemesis === "none"
      ? []
      : randomSchedule({ seed: request.seed, nodeCount: nodes, durationMs, nemesis });
  const schedule = resolveSchedule([...explicit, ...random], request.seed, nodes);
  for (const fault of schedule) {
    // The engine's own check, as a safety net behind the file validation.
    const engineProblem = checkFault(toFaultSpec(fault), nodes);
    if (engineProblem !== undefined)
      throw new RunSetupError(`${describeFault(fault)}: ${engineProblem}`);
  }
  const network = request.network ?? d.network;
  const buffer = request.receiveBufferCapacity ?? d.receiveBufferCapacity;
  const settings: RunSettings = {
    nodes,
    durationMs,
    nemesis: nemesisLabel(nemesis),
    ratePerSec: nemesis === "none" ? 0 : nemesis.ratePerSec,
    explicitFaults: explicit.length,
    ...(network === undefined ? {} : { network }),
    ...(buffer === undefined ? {} : { receiveBufferCapacity: buffer }),
    ...(request.file === undefined ? {} : { file: request.file }),
  };
  return { scenario, seed: request.seed, settings, schedule };
}

/** The exact `cohort sim` command that reruns `plan`. */
export function replayCommand(plan: RunPlan): string {
  const s = plan.settings;
  const target = s.file ?? plan.scenario.name;
  const parts = [
    `cohort sim ${target}`,
    `--seed ${plan.seed}`,
    `--nodes ${s.nodes}`,
    `--duration ${s.durationMs}`,
  ];
  parts.push(`--nemesis ${s.nemesis}`);
  if (s.nemesis !== "none") parts.push(`--rate ${s.ratePerSec}`);
  return parts.join(" ");
}

/** What one run produced: its summary, and the full trace as JSONL when it was kept. */
export interface RunOutcome {
  readonly summary: RunSummary;
  readonly traceJsonl?: string;
}

/**
 * Runs a plan on the engine: injects every scheduled fault at its time, runs to
 * `durationMs` (or until a protocol invariant breaks), then asks the scenario's
 * `check` to judge the omniscient view. Deterministic except `wallMs`.
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
  const violations = [
    ...(violation === undefined ? [] : [describeViolation(violation)]),
    ...runCheck(scenario, view),
  ];
  const c = view.counters;
  const summary: RunSummary = {
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
