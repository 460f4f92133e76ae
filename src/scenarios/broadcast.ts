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
  totalElectBroadcastProtocol,
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

/** Nodes that went down, came back up and stayed up to the end: the rejoined processes of crash-recovery. */
export function rejoinedNodes(run: Pick<RunView, "lifecycle">): NodeId[] {
  const last = new Map<NodeId, "down" | "up">();
  for (const e of run.lifecycle) last.set(e.node, e.change);
  return [...last].filter(([, change]) => change === "up").map(([node]) => node);
}

/**
 * Whether a broadcast run can be judged on liveness: it settled (no change in
 * its last `settleMs`) and, for total order, the sequencer never
 * crashed silently (failover needs a fail-stop notice).
 */
export function livenessJudged(
  run: Pick<RunView, "endMs" | "faults" | "lifecycle" | "nodeCount">,
  ordering: BroadcastOrdering,
  sequencer = 0,
  settleMs = BROADCAST_SETTLE_MS,
): boolean {
  if (run.endMs - lastBroadcastChangeMs(run) < settleMs) return false;
  return ordering !== "total" || correctNodes(run).includes(sequencer);
}

/**
 * How a total-order scenario's sequencer changes: `fixed` (never; crash-stop),
 * `failover` (on fail-stop notices, non-uniform order), `elected` (by
 * election behind a majority: uniform order, liveness needs a majority up).
 */
export type SequencerMode = "fixed" | "failover" | "elected";

/** Settling time of the elected sequencer: detection, election and a new ballot take longer than a resend. */
export const ELECTED_SETTLE_MS = 3_000;

/**
 * Judges a broadcast run with `judgeBroadcast`: integrity and ordering always,
 * liveness when `livenessJudged`; for the variants that rejoin after a crash
 * (`rejoins`: every variant but best-effort and the fixed sequencer), agreement
 * also at every node that restarted and stayed up. The elected sequencer's
 * liveness is judged only with a majority up at the end (never-crashed or rejoined).
 */
export function checkBroadcastRun(
  run: RunView<BroadcastMessage, BroadcastTimer>,
  ordering: BroadcastOrdering,
  mode: SequencerMode | "none" = "none",
  rejoins = ordering !== "total" || mode === "elected",
): string[] {
  const correct = correctNodes(run);
  const elected = mode === "elected";
  const settled = livenessJudged(
    run,
    mode === "fixed" ? "total" : "none",
    0,
    elected ? ELECTED_SETTLE_MS : BROADCAST_SETTLE_MS,
  );
  const majority = Math.floor(run.nodeCount / 2) + 1;
  const rejoined = rejoins ? rejoinedNodes(run) : [];
  const up = correct.length + rejoined.filter((n) => !correct.includes(n)).length;
  return judgeBroadcast(run.events, {
    ordering,
    correct,
    liveness: settled && (!elected || up >= majority),
    // Across a failover a stopped sequencer may have delivered a rank no survivor saw:
    // the order is promised among correct nodes only (non-uniform).
    orderAmongCorrectOnly: mode === "failover",
    rejoined,
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
  options: { name?: string; nemesis?: RandomNemesis; mode?: SequencerMode } = {},
): Scenario<BroadcastMessage, BroadcastTimer> {
  return protocolScenario(protocol, {
    ...(options.name === undefined ? {} : { name: options.name }),
    summary,
    config: BROADCAST_WORK,
    defaults: { nodes: 5, durationMs: 16_000, nemesis: options.nemesis ?? BROADCAST_NEMESIS },
    nodesMin: 1,
    nodesMax: 200,
    check: (run) => checkBroadcastRun(run, ordering, options.mode ?? "none"),
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
  { mode: "fixed" },
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
    mode: "failover",
  },
);

/**
 * `broadcast-total-elect`: total order by an elected sequencer under silent
 * crashes (halting; a healed crash restarts the node, which rejoins with its
 * kept log), restarts, partitions, loss, delay and duplication; total order
 * judged among every node (uniform); validity and agreement among
 * never-crashed and rejoined nodes once settled, when they are a majority.
 */
export const broadcastTotalElectScenario = broadcastScenario(
  totalElectBroadcastProtocol,
  "total",
  "total-order broadcast by an elected sequencer (bully over heartbeats, majority-acked log, rejoin from a kept log) under crash (halting), restart, partition, loss, delay, duplication: no creation, no duplication, one delivery order among all nodes; validity and agreement among never-crashed and rejoined nodes once settled with a majority up",
  {
    name: "broadcast-total-elect",
    mode: "elected",
    nemesis: {
      verbs: ["crash", "restart", "partition", "loss", "delay", "duplicate"],
      ratePerSec: 0.4,
    },
  },
);
