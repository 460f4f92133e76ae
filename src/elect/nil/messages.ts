import { checkArray, checkNat, checkTagged, firstProblem, isRecord } from "../../core/index.js";
import type { HeartbeatMsg } from "../../detect/index.js";
import { validateHeartbeatMsg } from "../../detect/index.js";

/** The most alternates a leader may list (one per member). */
export const NIL_ALTERNATES_MAX = 100_000;

/**
 * Next-in-line failover's messages: the leader's `nil-coordinator` (its
 * epoch and its alternates, best first) to every member, and `nil-takeover`,
 * a member's request to the alternate first in line that it take over now.
 */
export type NilElectMsg =
  | {
      readonly type: "nil-coordinator";
      readonly epoch: number;
      readonly alternates: readonly number[];
    }
  | { readonly type: "nil-takeover"; readonly epoch: number };

/** Everything a next-in-line node receives: its own messages and its detector's heartbeats. */
export type NilMsg = HeartbeatMsg | NilElectMsg;

/** Next-in-line's own timers (beside the detector's `tick` and `check`). */
export type NilTimer = "announce" | "takeover-wait" | "listen";

const TYPES = ["heartbeat", "nil-coordinator", "nil-takeover"] as const;

const isNodeIdValue = (v: unknown): boolean =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** Returns why `msg` is not a well-formed `NilMsg`, or undefined when it is. */
export function validateNilMsg(msg: unknown): string | undefined {
  const tagged = checkTagged(msg, TYPES);
  if (tagged !== undefined || !isRecord(msg)) return tagged;
  if (msg.type === "heartbeat") return validateHeartbeatMsg(msg);
  if (msg.type === "nil-takeover") return checkNat(msg, "epoch");
  return firstProblem(
    checkNat(msg, "epoch"),
    checkArray(msg, "alternates", NIL_ALTERNATES_MAX, isNodeIdValue, "a node id"),
  );
}
