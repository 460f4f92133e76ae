import type { Protocol } from "../core/index.js";
import type { ElectionRun, SplitBrainReport } from "../elect/index.js";
import { livenessViolations, splitBrainOf } from "../elect/index.js";
import type { RunView, Scenario, ScenarioDefaults } from "../sim/scenario.js";

/**
 * The default run of every `elect-*` scenario: 8 nodes for 30 s on a network
 * that loses 1% of messages, with crashes, restarts, partitions and loss bursts
 * (all injected in the first 80% of the run and healed within it).
 */
export const ELECT_SCENARIO_DEFAULTS: ScenarioDefaults = {
  nodes: 8,
  durationMs: 30_000,
  network: { lossProbability: 0.01 },
  nemesis: { verbs: ["crash", "restart", "partition", "loss"], ratePerSec: 0.3 },
};

/** How one election algorithm is run and judged as an `elect-*` scenario. */
export interface ElectScenarioSpec<M, T, C> {
  readonly name: string;
  readonly summary: string;
  readonly protocol: Protocol<M, T, C>;
  readonly config: C;
  /** After the last fault, every live node must agree on one leader within this many ms, and stay so. */
  readonly boundMs: number;
  /** When true, a split brain is a violation (only for algorithms that claim at most one leader). */
  readonly claimsSafety?: boolean;
  readonly defaults?: ScenarioDefaults;
}

/**
 * An `elect-*` scenario, plus the split-brain report of a finished run; its
 * `results` put the report's intervals under `splitBrain` and their union
 * under `splitBrainMs` in the run summary.
 */
export interface ElectScenario<M, T> extends Scenario<M, T> {
  /** Every interval in which two nodes both believed they led (reported, not judged, unless safety is claimed). */
  splitBrain(run: RunView<M, T>): SplitBrainReport;
}

/** The election checks' view of a simulator run. */
export function electionRunOf(run: RunView<unknown, unknown>): ElectionRun {
  return {
    nodeCount: run.nodeCount,
    endMs: run.endMs,
    events: run.events,
    lifecycle: run.lifecycle,
  };
}

/**
 * When the last fault ended: its heal, or its injection for a crash that
 * never heals (the others must re-elect around it); Infinity when a
 * non-crash fault never healed.
 */
export function electionCalmMs(run: RunView<unknown, unknown>): number {
  let calm = 0;
  for (const f of run.faults) {
    if (f.fault === "restart") calm = Math.max(calm, f.at + (f.downMs ?? 0));
    else if (f.fault === "disk") calm = Math.max(calm, f.at);
    else if (f.healAt !== undefined) calm = Math.max(calm, f.healAt);
    else if (f.fault === "crash" || f.fault === "failstop") calm = Math.max(calm, f.at);
    else return Number.POSITIVE_INFINITY;
  }
  return calm;
}

/**
 * A scenario that runs an election under the nemesis and fails when, later
 * than `boundMs` after the last fault, the live nodes do not all follow one
 * live leader in one epoch, or change their view after that. A split brain
 * fails it only when the algorithm claims safety.
 */
export function electScenario<M, T, C>(spec: ElectScenarioSpec<M, T, C>): ElectScenario<M, T> {
  const splitBrain = (run: RunView<M, T>) =>
    splitBrainOf(electionRunOf(run as RunView<unknown, unknown>));
  return {
    name: spec.name,
    summary: spec.summary,
    defaults: spec.defaults ?? ELECT_SCENARIO_DEFAULTS,
    nodesMin: 1,
    nodesMax: 1000,
    create: (id) => spec.protocol.create(id, spec.config),
    validate: (msg) => spec.protocol.validate(msg),
    splitBrain,
    results(run) {
      const report = splitBrain(run);
      return { splitBrain: report.intervals, splitBrainMs: report.splitBrainMs };
    },
    check(run) {
      const view = run as RunView<unknown, unknown>;
      const out = livenessViolations(electionRunOf(view), electionCalmMs(view), spec.boundMs);
      if (spec.claimsSafety === true) {
        for (const x of splitBrain(run).intervals) {
          out.push(
            `split brain: n${x.nodes[0]} (epoch ${x.epochs[0]}) and n${x.nodes[1]} (epoch ${x.epochs[1]}) both led from ${x.fromMs} to ${x.toMs} ms`,
          );
        }
      }
      return out;
    },
  };
}
