import { wrapEnv } from "../core/env-wrap.js";
import type { Env, NodeId, ProtocolNode } from "../core/index.js";
import type { ElectionRun } from "../elect/index.js";
import { splitBrainOf, viewsAt } from "../elect/index.js";
import { electBullyScenario } from "../scenarios/elect-bully.js";
import { electCandidateScenario } from "../scenarios/elect-candidate.js";
import { electInvitationScenario } from "../scenarios/elect-invitation.js";
import { electNextInLineScenario } from "../scenarios/elect-next-in-line.js";
import { electRingScenario } from "../scenarios/elect-ring.js";
import { electionRunOf } from "../scenarios/elect-scenario.js";
import type { AnyScenario, RunView } from "../sim/scenario.js";
import { executePlan, planRun } from "../sim/scenario-run.js";
import type { ScheduledFault } from "../sim/schedule.js";

/** One election algorithm as the bench names it, and its `elect-*` scenario. */
export interface ElectionAlgorithm {
  readonly name: string;
  readonly scenario: AnyScenario;
}

/** The five algorithms of issue 5, in the order the tables list them. */
export const ELECTION_ALGORITHMS: readonly ElectionAlgorithm[] = [
  { name: "bully", scenario: electBullyScenario },
  { name: "ring", scenario: electRingScenario },
  { name: "next-in-line", scenario: electNextInLineScenario },
  { name: "candidate", scenario: electCandidateScenario },
  { name: "invitation", scenario: electInvitationScenario },
];

/**
 * The faults the bench injects: `crash` kills the agreed leader; `halves`
 * cuts the ids into a lower and an upper half; `isolate` cuts the leader off
 * from the rest. Partitions heal after `ELECTION_TIMING.partitionMs`.
 */
export const ELECTION_FAULTS = ["crash", "halves", "isolate"] as const;
/** One of `ELECTION_FAULTS`. */
export type ElectionFault = (typeof ELECTION_FAULTS)[number];

/**
 * When the bench injects its fault and how long it watches: the leader is
 * found at `faultAtMs` in a fault-free run of the same seed; a partition lasts
 * `partitionMs` (its heal falls between every algorithm's announcement ticks);
 * the run goes on `watchMs` after the crash or the heal.
 */
export const ELECTION_TIMING = { faultAtMs: 3000, partitionMs: 3250, watchMs: 6000 } as const;

/** What one run of one algorithm, fault, size and seed measured. */
export interface ElectionSample {
  readonly algorithm: string;
  readonly scenario: ElectionFault;
  readonly n: number;
  readonly seed: number;
  /** True when every node followed one leader at the fault time (else n−1 stood in for the leader). */
  readonly agreedBefore: boolean;
  /**
   * Election messages (everything but heartbeats) sent from the crash, or
   * from the heal, until every live node agreed for good (to the end of the
   * run when they never did).
   */
  readonly messages: number;
  /** From the crash, or from the heal, until every live node followed one live leader in one epoch for the rest of the run; undefined if never. */
  readonly convergeMs: number | undefined;
  /** Pairs of nodes that both believed they led, over time intervals after the fault. */
  readonly splitBrainIntervals: number;
  /** Virtual ms after the fault during which two or more nodes believed they led. */
  readonly splitBrainMs: number;
}

/** Wraps a node so every `send` of a non-heartbeat message is reported with its time. */
function counting<M, T>(
  node: ProtocolNode<M, T>,
  record: (atMs: number) => void,
): ProtocolNode<M, T> {
  return {
    start(env: Env<M, T>, recovered: boolean) {
      const send = (to: NodeId, msg: M) => {
        if ((msg as { type?: unknown }).type !== "heartbeat") record(env.now());
        env.send(to, msg);
      };
      node.start(wrapEnv(env, { send }), recovered);
    },
    onMessage: (from, msg) => node.onMessage(from, msg),
    onTimer: (tag) => node.onTimer(tag),
    onNotice: (notice) => node.onNotice?.(notice),
  };
}

/** True when at `atMs` every node that is up follows one and the same up leader in one epoch. */
function agreeAt(run: ElectionRun, atMs: number): boolean {
  const { up, views } = viewsAt(run, atMs);
  let first: { leader: NodeId; epoch: number } | undefined;
  for (let id = 0; id < run.nodeCount; id++) {
    if (up[id] !== true) continue;
    const v = views[id];
    if (v === undefined) return false;
    first ??= v;
    if (v.leader !== first.leader || v.epoch !== first.epoch) return false;
  }
  return first !== undefined && up[first.leader] === true;
}

/**
 * The first time at or after `fromMs` from which every live node agrees on
 * one live leader until the end of the run (agreement can only begin at a
 * view change or a lifecycle change); undefined when they do not agree at
 * the end.
 */
export function agreedForGoodFrom(run: ElectionRun, fromMs: number): number | undefined {
  const times = [
    fromMs,
    ...run.events.filter((e) => e.t >= fromMs && e.event.type.startsWith("leader")).map((e) => e.t),
    ...run.lifecycle.filter((l) => l.t >= fromMs).map((l) => l.t),
  ];
  const sorted = [...new Set(times)].sort((a, b) => a - b);
  let found: number | undefined;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const t = sorted[i] ?? fromMs;
    if (!agreeAt(run, t)) break;
    found = t;
  }
  return found;
}

/** The split brain after `fromMs`: intervals that end later, clipped to start no earlier, and their union. */
export function splitBrainAfter(
  run: ElectionRun,
  fromMs: number,
): { intervals: number; ms: number } {
  const clipped = splitBrainOf(run)
    .intervals.filter((x) => x.toMs > fromMs)
    .map((x) => ({ from: Math.max(x.fromMs, fromMs), to: x.toMs }))
    .sort((a, b) => a.from - b.from);
  let ms = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const x of clipped) {
    if (x.to <= end) continue;
    ms += x.to - Math.max(x.from, end);
    end = x.to;
  }
  return { intervals: clipped.length, ms };
}

/** Who every node follows at `atMs` in a fault-free run of `scenario`, when they all agree. */
export function leaderAt(
  scenario: AnyScenario,
  n: number,
  seed: number,
  atMs: number,
): NodeId | undefined {
  let leader: NodeId | undefined;
  const probe: AnyScenario = {
    ...scenario,
    check(run: RunView<unknown, unknown>) {
      const er = electionRunOf(run);
      if (agreeAt(er, atMs)) leader = viewsAt(er, atMs).views[0]?.leader;
      return [];
    },
  };
  executePlan(planRun(probe, { seed, nodes: n, nemesis: "none", faults: [], durationMs: atMs }));
  return leader;
}

/**
 * Runs `algorithm` with `n` nodes on its scenario's network (1% loss) and no
 * nemesis, injects `fault` at `ELECTION_TIMING.faultAtMs` against `leader`
 * (the leader a fault-free run of the same seed had then; undefined: they did
 * not agree, and n−1 stands in), and measures election messages, the time to
 * agree for good after the crash or the heal, and the split brain after the
 * fault. Deterministic for a seed.
 */
export function measureElection(
  algorithm: ElectionAlgorithm,
  fault: ElectionFault,
  n: number,
  seed: number,
  leader: NodeId | undefined,
): ElectionSample {
  const t = ELECTION_TIMING;
  const victim = leader ?? n - 1;
  const ids = Array.from({ length: n }, (_, i) => i);
  const half = Math.floor(n / 2);
  const groups =
    fault === "halves"
      ? [ids.slice(0, half), ids.slice(half)]
      : [[victim], ids.filter((id) => id !== victim)];
  const healMs = t.faultAtMs + t.partitionMs;
  const faults: ScheduledFault[] =
    fault === "crash"
      ? [{ at: t.faultAtMs, fault: "crash", node: victim }]
      : [{ at: t.faultAtMs, fault: "partition", groups, healAt: healMs }];
  const fromMs = fault === "crash" ? t.faultAtMs : healMs;
  const sends: number[] = [];
  let agreed: number | undefined;
  let split = { intervals: 0, ms: 0 };
  const scenario = algorithm.scenario;
  const measured: AnyScenario = {
    ...scenario,
    create: (id, count) => counting(scenario.create(id, count), (at) => sends.push(at)),
    check(run: RunView<unknown, unknown>) {
      const er = electionRunOf(run);
      agreed = agreedForGoodFrom(er, fromMs);
      split = splitBrainAfter(er, t.faultAtMs);
      return [];
    },
  };
  const durationMs = fromMs + t.watchMs;
  executePlan(planRun(measured, { seed, nodes: n, nemesis: "none", faults, durationMs }));
  const until = agreed ?? durationMs;
  return {
    algorithm: algorithm.name,
    scenario: fault,
    n,
    seed,
    agreedBefore: leader !== undefined,
    messages: sends.filter((at) => at >= fromMs && at <= until).length,
    convergeMs: agreed === undefined ? undefined : Math.round((agreed - fromMs) * 10) / 10,
    splitBrainIntervals: split.intervals,
    splitBrainMs: Math.round(split.ms),
  };
}
