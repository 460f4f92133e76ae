/**
 * A node's identity: a small non-negative integer, dense from 0 in a cluster.
 * Numbers (not strings) keep the simulator's hot paths on arrays instead of maps;
 * `nodeName` gives the human form used in logs, traces and the CLI (`n0`, `n1`, ...).
 */
export type NodeId = number;

/** Identifies one pending timer of one node; unique for the life of the host. */
export type TimerId = number;

/** The human name of a node: `n` followed by its id. */
export function nodeName(id: NodeId): string {
  return `n${id}`;
}

/** Parses `n3` or `3` into a NodeId; returns undefined when `text` names no node. */
export function parseNodeId(text: string): NodeId | undefined {
  const match = /^n?(\d{1,9})$/.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}

/** True when `value` is a valid NodeId (a non-negative safe integer). */
export function isNodeId(value: unknown): value is NodeId {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
