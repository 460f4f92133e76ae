import type { Protocol } from "../core/index.js";
import {
  BROADCAST_DEFAULTS,
  type BroadcastConfig,
  type BroadcastVariant,
  checkBroadcastConfig,
} from "./config.js";
import { ElectedBroadcastNode } from "./elected-node.js";
import type { BroadcastMessage } from "./messages.js";
import { validateBroadcast } from "./messages.js";
import { BroadcastNode, type BroadcastTimer } from "./node.js";
import {
  checkRaftBroadcastConfig,
  RAFT_BROADCAST_DEFAULTS,
  type RaftBroadcastConfig,
  type RaftBroadcastMessage,
  RaftBroadcastNode,
  type RaftBroadcastTimer,
  validateRaftBroadcast,
} from "./raft-node.js";
import {
  checkSnapshotConfig,
  SNAPSHOT_DEFAULTS,
  SnapshotBankNode,
  type SnapshotConfig,
  type SnapshotTimer,
} from "./snapshot.js";
import { type SnapshotMessage, validateSnapshot } from "./snapshot-messages.js";

/** A broadcast protocol: the shared node with one variant fixed in its defaults. */
export type BroadcastProtocol = Protocol<BroadcastMessage, BroadcastTimer, BroadcastConfig>;

function broadcastProtocol(
  variant: BroadcastVariant,
  name: string,
  summary: string,
): BroadcastProtocol {
  return {
    name,
    summary,
    defaults: { ...BROADCAST_DEFAULTS, variant },
    checkConfig: checkBroadcastConfig,
    create: (_id, config) =>
      config.variant === "total-elect"
        ? new ElectedBroadcastNode(config)
        : new BroadcastNode(config),
    validate: validateBroadcast,
  };
}

/** Best-effort broadcast: one send to each node; delivery only if the sender stays up and nothing is lost. */
export const bestEffortBroadcastProtocol = broadcastProtocol(
  "best-effort",
  "broadcast-best-effort",
  "best-effort broadcast: the sender sends once to every node; no relay, no resend",
);

/** Reliable broadcast: eager relay plus resend-until-acked; if one correct node delivers, all do. */
export const reliableBroadcastProtocol = broadcastProtocol(
  "reliable",
  "broadcast-reliable",
  "reliable broadcast (eager relay, resend until acked): if any correct node delivers, every correct node does",
);

/** FIFO broadcast: reliable, and each origin's messages delivered in the order it broadcast them. */
export const fifoBroadcastProtocol = broadcastProtocol(
  "fifo",
  "broadcast-fifo",
  "FIFO reliable broadcast: each origin's messages delivered in broadcast order",
);

/** Causal broadcast: reliable, and a message delivered only after every message that happened before it. */
export const causalBroadcastProtocol = broadcastProtocol(
  "causal",
  "broadcast-causal",
  "causal reliable broadcast with vector timestamps (Birman, Schiper, Stephenson 1991)",
);

/** Total-order broadcast: reliable, and every node delivers in the ranks the sequencer assigns; the next node takes over when told the sequencer stopped. */
export const totalBroadcastProtocol = broadcastProtocol(
  "total",
  "broadcast-total",
  "total-order broadcast by a sequencer (n0), failing over on fail-stop notices; a silent crash of the sequencer stops delivery",
);

/**
 * Total-order broadcast by an elected sequencer: a bully election over
 * heartbeats names it, a majority-acknowledged log with ballots orders the
 * messages, so a silent crash of the sequencer is survived and a stale one
 * cannot fork the order.
 */
export const totalElectBroadcastProtocol = broadcastProtocol(
  "total-elect",
  "broadcast-total-elect",
  "total-order broadcast by an elected sequencer (bully over heartbeats) and a majority-acked log: survives silent sequencer crashes, fenced by ballots",
);

/** Total-order broadcast whose order is a Raft log: broadcast = propose, deliver = apply committed entries in order. */
export const raftBroadcastProtocol: Protocol<
  RaftBroadcastMessage,
  RaftBroadcastTimer,
  RaftBroadcastConfig
> = {
  name: "broadcast-total-raft",
  summary:
    "total-order broadcast over a Raft log (src/raft): each broadcast is a proposal, delivery applies committed entries in log order",
  defaults: RAFT_BROADCAST_DEFAULTS,
  checkConfig: checkRaftBroadcastConfig,
  create: (_id, config) => new RaftBroadcastNode(config),
  validate: validateRaftBroadcast,
};

/** The Chandy–Lamport snapshot bank: accounts moving money, n0 recording global states. */
export const snapshotBankProtocol: Protocol<SnapshotMessage, SnapshotTimer, SnapshotConfig> = {
  name: "snapshot-bank",
  summary: "bank transfers over FIFO channels with Chandy–Lamport snapshots started by n0",
  defaults: SNAPSHOT_DEFAULTS,
  checkConfig: checkSnapshotConfig,
  create: (_id, config) => new SnapshotBankNode(config),
  validate: validateSnapshot,
};
