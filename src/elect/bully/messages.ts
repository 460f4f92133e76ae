import { checkNat, checkTagged, firstProblem, isRecord } from "../../core/index.js";
import type { HeartbeatMsg } from "../../detect/index.js";
import { validateHeartbeatMsg } from "../../detect/index.js";

/**
 * Bully's messages (the sender is the candidate or leader): `election` to
 * every higher node, `answer` back from a live higher node, `coordinator` from
 * the winner to everyone. Each carries the highest epoch its sender has seen
 * (for `coordinator`, the epoch it leads).
 */
export type BullyElectMsg =
  | { readonly type: "election"; readonly epoch: number }
  | { readonly type: "answer"; readonly epoch: number }
  | { readonly type: "coordinator"; readonly epoch: number };

/** Everything a bully node receives: its own messages and its detector's heartbeats. */
export type BullyMsg = HeartbeatMsg | BullyElectMsg;

/** Bully's own timers (beside the detector's `tick` and `check`). */
export type BullyTimer = "answer-wait" | "coordinator-wait" | "announce" | "hold-down" | "forgive";

const TYPES = ["heartbeat", "election", "answer", "coordinator"] as const;

/** Returns why `msg` is not a well-formed `BullyMsg`, or undefined when it is. */
export function validateBullyMsg(msg: unknown): string | undefined {
  const tagged = checkTagged(msg, TYPES);
  if (tagged !== undefined || !isRecord(msg)) return tagged;
  if (msg.type === "heartbeat") return validateHeartbeatMsg(msg);
  return firstProblem(checkNat(msg, "epoch"));
}
