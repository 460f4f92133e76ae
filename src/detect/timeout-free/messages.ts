import { checkArray, checkTagged, isNodeId, isRecord, type NodeId } from "../../core/index.js";

/** The timeout-free detector's one message: a heartbeat and the path it has travelled, originator first. */
export type HbMsg = { readonly type: "heartbeat"; readonly path: readonly NodeId[] };

/** Timers: `beat` sends this node's heartbeat; `decide` runs the application's decision helper. */
export type HbTimer = "beat" | "decide";

/** The longest path a heartbeat message may carry. */
export const HB_PATH_MAX = 64;

/** Returns why `msg` is not a well-formed `HbMsg`, or undefined when it is. */
export function validateHbMsg(msg: unknown): string | undefined {
  const tagged = checkTagged(msg, ["heartbeat"]);
  if (tagged !== undefined || !isRecord(msg)) return tagged;
  const path = checkArray(msg, "path", HB_PATH_MAX, isNodeId, "a node id");
  if (path !== undefined) return path;
  return (msg.path as unknown[]).length === 0
    ? "path: expected at least the originator, got an empty array"
    : undefined;
}
