import {
  judgeSnapshots,
  SNAPSHOT_DEFAULTS,
  type SnapshotMessage,
  type SnapshotTimer,
  snapshotBankProtocol,
} from "../broadcast/index.js";
import { protocolScenario, type RunView, type Scenario } from "../sim/scenario.js";
import { BROADCAST_SETTLE_MS, lastBroadcastChangeMs } from "./broadcast.js";

/** The scenario's network: 1–20 ms latency, a fifth of messages held back up to 30 ms more (reordering). */
export const SNAPSHOT_NETWORK = {
  latency: { kind: "uniform", minMs: 1, maxMs: 20 },
  reorderProbability: 0.2,
  reorderWindowMs: 30,
} as const;

/** Judges a bank run: every complete snapshot conserves the total and is a consistent cut; all complete once settled. */
export function checkSnapshotRun(run: RunView<SnapshotMessage, SnapshotTimer>): string[] {
  return judgeSnapshots(run.events, {
    nodeCount: run.nodeCount,
    initialBalance: SNAPSHOT_DEFAULTS.initialBalance,
    requireComplete: run.endMs - lastBroadcastChangeMs(run) >= BROADCAST_SETTLE_MS,
  }).violations;
}

/**
 * `snapshot-bank`: five accounts move money at random for 8 s over a lossy,
 * reordering network made reliable and FIFO by the nodes, while n0 starts a
 * Chandy–Lamport snapshot every 700 ms and the nemesis drops, partitions,
 * delays, duplicates and pauses. Fails
 * unless every complete snapshot conserves the total exactly, is a consistent
 * cut of the trace with faithful channel records, and — once the run settled —
 * every snapshot completed.
 */
export const snapshotBankScenario: Scenario<SnapshotMessage, SnapshotTimer> = protocolScenario(
  snapshotBankProtocol,
  {
    summary:
      "Chandy–Lamport snapshots of a bank over FIFO channels (resent until acked) under loss, partition, delay, duplication, pauses and reordering: every snapshot conserves the total and is a consistent cut",
    defaults: {
      nodes: 5,
      durationMs: 12_000,
      network: SNAPSHOT_NETWORK,
      nemesis: { verbs: ["loss", "partition", "delay", "duplicate", "pause"], ratePerSec: 0.5 },
    },
    nodesMin: 2,
    nodesMax: 200,
    check: checkSnapshotRun,
  },
);
