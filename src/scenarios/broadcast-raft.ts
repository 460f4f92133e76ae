import {
  judgeBroadcast,
  type RaftBroadcastMessage,
  type RaftBroadcastTimer,
  raftBroadcastProtocol,
} from "../broadcast/index.js";
import { protocolScenario, type RunView, type Scenario } from "../sim/scenario.js";
import {
  BROADCAST_WORK,
  correctNodes,
  ELECTED_SETTLE_MS,
  lastBroadcastChangeMs,
  rejoinedNodes,
} from "./broadcast.js";

/**
 * Judges a Raft-backed broadcast run: integrity and total order among every
 * node always (the order is the committed log, so it is uniform); validity and
 * agreement once the run settled with a majority up, agreement also at every
 * node that restarted (Raft recovers its log) and stayed up.
 */
export function checkRaftBroadcastRun(
  run: RunView<RaftBroadcastMessage, RaftBroadcastTimer>,
): string[] {
  const correct = correctNodes(run);
  const rejoined = rejoinedNodes(run);
  const settled = run.endMs - lastBroadcastChangeMs(run) >= ELECTED_SETTLE_MS;
  const up = correct.length + rejoined.filter((n) => !correct.includes(n)).length;
  return judgeBroadcast(run.events, {
    ordering: "total",
    correct,
    rejoined,
    liveness: settled && up >= Math.floor(run.nodeCount / 2) + 1,
  });
}

/**
 * `broadcast-total-raft`: total order over a Raft log under crash (restarting
 * at the heal, recovering its log), restart, partition, loss, delay and
 * duplication.
 */
export const broadcastTotalRaftScenario: Scenario<RaftBroadcastMessage, RaftBroadcastTimer> =
  protocolScenario(raftBroadcastProtocol, {
    summary:
      "total-order broadcast over a Raft log under crash, restart, partition, loss, delay, duplication: no creation, no duplication, one delivery order among all nodes; validity and agreement (restarted nodes included) once settled with a majority up",
    config: BROADCAST_WORK,
    defaults: {
      nodes: 5,
      durationMs: 16_000,
      nemesis: {
        verbs: ["crash", "restart", "partition", "loss", "delay", "duplicate"],
        ratePerSec: 0.4,
      },
    },
    nodesMin: 1,
    nodesMax: 200,
    check: checkRaftBroadcastRun,
  });
