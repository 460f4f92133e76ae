import type { Env, NodeId, ProtocolNode } from "../core/index.js";
import { viewsAt } from "../elect/index.js";
import type { AnyScenario, RunView } from "../sim/scenario.js";
import { executePlan, planRun } from "../sim/scenario-run.js";
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
      const wrapped: Env<M, T> = {
        self: env.self,
        cluster: env.cluster,
        now: () => env.now(),
        send,
        setTimer: (afterMs, tag) => env.setTimer(afterMs, tag),
        cancelTimer: (id) => env.cancelTimer(id),
        random: () => env.random(),
        buggify: (site) => env.buggify(site),
        storage: env.storage,
        emit: (event) => env.emit(event),
        log: env.log,
        metrics: env.metrics,
      };
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
