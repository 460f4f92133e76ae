import { wrapEnv } from "../core/env-wrap.js";
import type { Env, NodeId, ProtocolNode } from "../core/index.js";
import { splitBrainOf, viewsAt } from "../elect/index.js";
import type { AnyScenario, RunView } from "../sim/scenario.js";
import { executePlan, planRun } from "../sim/scenario-run.js";
import type { ScheduledFault } from "../sim/schedule.js";
import { electionRunOf } from "./elect-scenario.js";

/** What one leader crash cost an election algorithm. */
export interface ElectionCost {
  readonly scenario: string;
  readonly n: number;
  readonly seed: number;
  /** The node crashed: the agreed leader at the crash, or n−1 when the nodes did not yet agree. */
  readonly crashed: NodeId;
  /** True when `crashed` was the agreed leader. */
  readonly crashedLeader: boolean;
  /** Election messages (everything but heartbeats) sent from the crash until every live node agreed. */
  readonly messages: number;
  /** From the crash until every live node followed one leader in one epoch; undefined if they never did. */
  readonly convergeMs: number | undefined;
}

/** Wraps a node so every `send` of a non-heartbeat message is reported with the time. */
function counting<M, T>(
  node: ProtocolNode<M, T>,
  record: (atMs: number) => void,
): ProtocolNode<M, T> {
  return {
    start(env: Env<M, T>, recovered: boolean) {
      const send = (to: NodeId, msg: M) => {
        const type = (msg as { type?: unknown }).type;
        if (type !== "heartbeat") record(env.now());
        env.send(to, msg);
      };
      const wrapped: Env<M, T> = wrapEnv(env, { send });
      node.start(wrapped, recovered);
    },
    onMessage: (from, msg) => node.onMessage(from, msg),
    onTimer: (tag) => node.onTimer(tag),
    onNotice: (notice) => node.onNotice?.(notice),
  };
}

/** Who leads at `atMs` in a fault-free run of `scenario` (every node agreeing), or undefined. */
function leaderAt(
  scenario: AnyScenario,
  n: number,
  seed: number,
  atMs: number,
): NodeId | undefined {
  let leader: NodeId | undefined;
  const probe: AnyScenario = {
    ...scenario,
    check(run: RunView<unknown, unknown>) {
      const { views } = viewsAt(electionRunOf(run), atMs);
      const first = views[0];
      if (first !== undefined && views.every((v) => v?.leader === first.leader))
        leader = first.leader;
      return [];
    },
  };
  executePlan(planRun(probe, { seed, nodes: n, nemesis: "none", faults: [], durationMs: atMs }));
  return leader;
}

/**
 * Runs `scenario` with `n` nodes and no nemesis, crashes whoever leads at
 * `crashAtMs` (found by a fault-free run of the same seed), and measures the election messages and the time until every
 * live node follows one leader in one epoch (found by scanning the events
 * after the crash). Deterministic for a seed.
 */
export function leaderCrashCost(
  scenario: AnyScenario,
  n: number,
  seed: number,
  crashAtMs = 3000,
  afterMs = 5000,
): ElectionCost {
  const sends: number[] = [];
  let convergeAt: number | undefined;
  const measured: AnyScenario = {
    ...scenario,
    create: (id, count) => counting(scenario.create(id, count), (t) => sends.push(t)),
    check(run: RunView<unknown, unknown>) {
      const er = electionRunOf(run);
      const times = run.events
        .filter((e) => e.t >= crashAtMs && e.event.type === "leader")
        .map((e) => e.t);
      for (const t of times) {
        const { up, views } = viewsAt(er, t);
        const live = up.flatMap((u, id) => (u ? [id] : []));
        const first = views[live[0] ?? 0];
        const agree =
          first !== undefined &&
          live.every(
            (id) => views[id]?.leader === first.leader && views[id]?.epoch === first.epoch,
          );
        if (agree) {
          convergeAt = t;
          break;
        }
      }
      return [];
    },
  };
  const leader = leaderAt(scenario, n, seed, crashAtMs);
  const victim = leader ?? n - 1;
  const faults = [{ at: crashAtMs, fault: "crash" as const, node: victim }];
  executePlan(
    planRun(measured, { seed, nodes: n, nemesis: "none", faults, durationMs: crashAtMs + afterMs }),
  );
  const until = convergeAt ?? crashAtMs + afterMs;
  return {
    scenario: scenario.name,
    n,
    seed,
    crashed: victim,
    crashedLeader: leader !== undefined,
    messages: sends.filter((t) => t >= crashAtMs && t <= until).length,
    convergeMs:
      convergeAt === undefined ? undefined : Math.round((convergeAt - crashAtMs) * 10) / 10,
  };
}

/** What a partition cost an election algorithm. */
export interface PartitionCost {
  readonly scenario: string;
  readonly n: number;
  readonly seed: number;
  /** `isolate`: the leader alone against the rest; `halves`: the lower and upper halves of the ids. */
  readonly shape: "isolate" | "halves";
  readonly splitBrainIntervals: number;
  /** Virtual ms during which two or more nodes believed they led. */
  readonly splitBrainMs: number;
  /** From the heal until every live node followed one leader in one epoch (and kept it); undefined if never. */
  readonly reconvergeMs: number | undefined;
}

/** The first time at or after `fromMs` from which every node agrees until the end of the run. */
function agreedFrom(run: RunView<unknown, unknown>, fromMs: number): number | undefined {
  const er = electionRunOf(run);
  const changes = run.events
    .filter((e) => e.t >= fromMs && (e.event.type === "leader" || e.event.type === "leader-lost"))
    .map((e) => e.t);
  const candidates = [fromMs, ...changes];
  let found: number | undefined;
  for (let i = candidates.length - 1; i >= 0; i--) {
    const t = candidates[i] ?? fromMs;
    const { views } = viewsAt(er, t);
    const first = views[0];
    const agree =
      first !== undefined &&
      views.every((v) => v?.leader === first.leader && v?.epoch === first.epoch);
    if (!agree) break;
    found = t;
  }
  return found;
}

/**
 * Runs `scenario` with `n` nodes, partitions it at `atMs` for `forMs`
 * (isolating the leader, or into halves), and measures the split brain over
 * the whole run (start-up included) and the time from the heal until every
 * node agrees for good. The default heal (6.25 s) falls between the
 * announcement ticks of every algorithm, so it is not favoured by alignment.
 */
export function partitionCost(
  scenario: AnyScenario,
  n: number,
  seed: number,
  shape: "isolate" | "halves",
  atMs = 3000,
  forMs = 3250,
  afterMs = 6000,
): PartitionCost {
  const leader = leaderAt(scenario, n, seed, atMs) ?? n - 1;
  const ids = Array.from({ length: n }, (_, i) => i);
  const groups =
    shape === "isolate"
      ? [[leader], ids.filter((id) => id !== leader)]
      : [ids.slice(0, Math.floor(n / 2)), ids.slice(Math.floor(n / 2))];
  const healMs = atMs + forMs;
  const faults: ScheduledFault[] = [{ at: atMs, fault: "partition", groups, healAt: healMs }];
  let result: { intervals: number; ms: number; agreed: number | undefined } | undefined;
  const measured: AnyScenario = {
    ...scenario,
    check(run: RunView<unknown, unknown>) {
      const report = splitBrainOf(electionRunOf(run));
      result = {
        intervals: report.intervals.length,
        ms: report.splitBrainMs,
        agreed: agreedFrom(run, healMs),
      };
      return [];
    },
  };
  executePlan(
    planRun(measured, { seed, nodes: n, nemesis: "none", faults, durationMs: healMs + afterMs }),
  );
  return {
    scenario: scenario.name,
    n,
    seed,
    shape,
    splitBrainIntervals: result?.intervals ?? 0,
    splitBrainMs: Math.round(result?.ms ?? 0),
    reconvergeMs:
      result?.agreed === undefined ? undefined : Math.round((result.agreed - healMs) * 10) / 10,
  };
}
