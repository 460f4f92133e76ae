import {
  type BroadcastMessage,
  type BroadcastOrdering,
  type BroadcastProtocol,
  type BroadcastTimer,
  causalBroadcastProtocol,
  fifoBroadcastProtocol,
  judgeBroadcast,
  reliableBroadcastProtocol,
  totalBroadcastProtocol,
} from "../broadcast/index.js";
import type { NodeId } from "../core/index.js";
import { protocolScenario, type RunView, type Scenario } from "../sim/scenario.js";
import type { RandomNemesis } from "../sim/schedule-random.js";

/** Liveness is judged only when the run ended at least this long after its last fault, heal or restart. */
export const BROADCAST_SETTLE_MS = 2_000;

/** The scripted load of the broadcast scenarios: each node about every 400 ms until t = 10 s. */
export const BROADCAST_WORK = { workEveryMs: 400, workUntilMs: 10_000 } as const;

/** The last moment anything changed: a fault injected or healed, a node going down or up. */
export function lastBroadcastChangeMs(run: Pick<RunView, "faults" | "lifecycle">): number {
  let last = 0;
  for (const f of run.faults) last = Math.max(last, f.at, f.healAt ?? f.at);
  for (const e of run.lifecycle) last = Math.max(last, e.t);
  return last;
}

/** Nodes that never went down during the run: the correct processes of the crash-stop model. */
export function correctNodes(run: Pick<RunView, "nodeCount" | "lifecycle">): NodeId[] {
  const down = new Set(run.lifecycle.filter((e) => e.change === "down").map((e) => e.node));
  return Array.from({ length: run.nodeCount }, (_, i) => i).filter((i) => !down.has(i));
}

/**
 * Whether a broadcast run can be judged on liveness: it settled (no change in
 * its last `BROADCAST_SETTLE_MS`) and, for total order, the sequencer never
 * crashed silently (failover needs a fail-stop notice).
 */
export function livenessJudged(
  run: Pick<RunView, "endMs" | "faults" | "lifecycle" | "nodeCount">,
  ordering: BroadcastOrdering,
  sequencer = 0,
): boolean {
  if (run.endMs - lastBroadcastChangeMs(run) < BROADCAST_SETTLE_MS) return false;
  return ordering !== "total" || correctNodes(run).includes(sequencer);
}

/** Judges a broadcast run with `judgeBroadcast`: integrity and ordering always, liveness when `livenessJudged`. */
export function checkBroadcastRun(
  run: RunView<BroadcastMessage, BroadcastTimer>,
  ordering: BroadcastOrdering,
  failover = false,
): string[] {
  return judgeBroadcast(run.events, {
    ordering,
    correct: correctNodes(run),
    liveness: livenessJudged(run, failover ? "none" : ordering),
    // Across a failover a stopped sequencer may have delivered a rank no survivor saw:
    // the order is promised among correct nodes only (non-uniform).
    orderAmongCorrectOnly: failover,
  });
}

/** The nemesis of the broadcast scenarios. */
export const BROADCAST_NEMESIS: RandomNemesis = {
  verbs: ["crash", "partition", "loss", "delay", "duplicate"],
  ratePerSec: 0.4,
};

function broadcastScenario(
  protocol: BroadcastProtocol,
  ordering: BroadcastOrdering,
  summary: string,
  options: { name?: string; nemesis?: RandomNemesis; failover?: boolean } = {},
): Scenario<BroadcastMessage, BroadcastTimer> {
  return protocolScenario(protocol, {
    ...(options.name === undefined ? {} : { name: options.name }),
    summary,
    config: BROADCAST_WORK,
    defaults: { nodes: 5, durationMs: 16_000, nemesis: options.nemesis ?? BROADCAST_NEMESIS },
    nodesMin: 1,
    nodesMax: 200,
    check: (run) => checkBroadcastRun(run, ordering, options.failover ?? false),
  });
}

const JUDGED =
  "under crash, partition, loss, delay, duplication: no creation, no duplication, validity and agreement among never-crashed nodes once settled";

/** `broadcast-reliable`: eager reliable broadcast judged by integrity, validity and agreement. */
export const broadcastReliableScenario = broadcastScenario(
  reliableBroadcastProtocol,
  "none",
  `reliable broadcast ${JUDGED}`,
);

/** `broadcast-fifo`: FIFO broadcast, also judged on per-origin order. */
export const broadcastFifoScenario = broadcastScenario(
  fifoBroadcastProtocol,
  "fifo",
  `FIFO broadcast ${JUDGED}, FIFO order`,
);

/** `broadcast-causal`: causal broadcast, also judged on happened-before order from the trace. */
export const broadcastCausalScenario = broadcastScenario(
  causalBroadcastProtocol,
  "causal",
  `causal broadcast (vector clocks) ${JUDGED}, causal order`,
);

/** `broadcast-total`: fixed-sequencer total order; liveness judged only while the sequencer (n0) survives. */
export const broadcastTotalScenario = broadcastScenario(
  totalBroadcastProtocol,
  "total",
  `total-order broadcast (sequencer n0; silent crashes, so no failover) ${JUDGED} (when n0 survives), one delivery order`,
);

/**
 * `broadcast-total-failover`: total order under fail-stop (peers are told), so
 * the sequencer fails over to the next node through an epoch flush; liveness
 * judged whether or not n0 survives; total order judged among never-stopped
 * nodes (a stopped sequencer may have delivered a rank no survivor received).
 */
export const broadcastTotalFailoverScenario = broadcastScenario(
  totalBroadcastProtocol,
  "total",
  "total-order broadcast with sequencer failover on fail-stop notices, under failstop, partition, loss, delay, duplication: no creation, no duplication, validity and agreement among never-stopped nodes once settled, one delivery order",
  {
    name: "broadcast-total-failover",
    nemesis: { verbs: ["failstop", "partition", "loss", "delay", "duplicate"], ratePerSec: 0.4 },
    failover: true,
  },
);
