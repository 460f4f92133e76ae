import { checkNat, checkTagged, firstProblem, isRecord } from "../../core/index.js";

/**
 * The heartbeat protocol's one message: "I am alive", numbered so a receiver
 * could tell a fresh heartbeat from a replayed one. `seq` counts the sender's
 * heartbeats since its last (re)start.
 */
export type HeartbeatMsg = { readonly type: "heartbeat"; readonly seq: number };

/** The heartbeat protocol's timers: `tick` sends heartbeats, `check` judges deadlines. */
export type HeartbeatTimer = "tick" | "check";

const TYPES = ["heartbeat"] as const;

/** Returns why `msg` is not a well-formed `HeartbeatMsg`, or undefined when it is. */
export function validateHeartbeatMsg(msg: unknown): string | undefined {
  const tagged = checkTagged(msg, TYPES);
  if (tagged !== undefined || !isRecord(msg)) return tagged;
  return firstProblem(checkNat(msg, "seq"));
}
