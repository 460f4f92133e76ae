import { checkArray, checkTagged, isNodeId, isRecord, type NodeId } from "../../core/index.js";

/** One row of a gossiped heartbeat list: `member`'s heartbeat `counter` in its life `incarnation`. */
export interface GossipEntry {
  readonly member: NodeId;
  readonly incarnation: number;
  readonly counter: number;
}

/** Gossip-style detection's one message: the sender's heartbeat list (members it believes alive). */
export type GossipMsg = { readonly type: "gossip"; readonly entries: readonly GossipEntry[] };

/** Timers: `round` gossips; `check` judges T_fail and T_cleanup. */
export type GossipTimer = "round" | "check";

/** The most entries one gossip message may carry. */
export const GOSSIP_ENTRIES_MAX = 100_000;

function isEntry(v: unknown): boolean {
  return isRecord(v) && isNodeId(v.member) && isNodeId(v.incarnation) && isNodeId(v.counter);
}

/** Returns why `msg` is not a well-formed `GossipMsg`, or undefined when it is. */
export function validateGossipMsg(msg: unknown): string | undefined {
  const tagged = checkTagged(msg, ["gossip"]);
  if (tagged !== undefined || !isRecord(msg)) return tagged;
  return checkArray(
    msg,
    "entries",
    GOSSIP_ENTRIES_MAX,
    isEntry,
    "an entry {member, incarnation, counter}",
  );
}
