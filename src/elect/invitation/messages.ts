import { checkArray, checkNat, checkTagged, firstProblem, isRecord } from "../../core/index.js";
import type { HeartbeatMsg } from "../../detect/index.js";
import { validateHeartbeatMsg } from "../../detect/index.js";

/** The most members a group message may list. */
export const INVITATION_MEMBERS_MAX = 100_000;

/**
 * The invitation election's messages: a leader's `inv-check` to everyone
 * outside its group (its epoch and group size); `inv-merge`, the larger
 * group's leader inviting the smaller's; `inv-join`, the smaller's leader
 * handing over its members; `inv-coordinator`, a leader's epoch and member
 * list to its members.
 */
export type InvitationElectMsg =
  | { readonly type: "inv-check"; readonly epoch: number; readonly size: number }
  | { readonly type: "inv-merge"; readonly epoch: number; readonly size: number }
  | { readonly type: "inv-join"; readonly epoch: number; readonly members: readonly number[] }
  | {
      readonly type: "inv-coordinator";
      readonly epoch: number;
      readonly members: readonly number[];
    };

/** Everything an invitation node receives: its own messages and its detector's heartbeats. */
export type InvitationMsg = HeartbeatMsg | InvitationElectMsg;

/** The election's own timers (beside the detector's `tick` and `check`). */
export type InvitationTimer = "group-check" | "merge-wait";

const TYPES = ["heartbeat", "inv-check", "inv-merge", "inv-join", "inv-coordinator"] as const;

const isNodeIdValue = (v: unknown): boolean =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** Returns why `msg` is not a well-formed `InvitationMsg`, or undefined when it is. */
export function validateInvitationMsg(msg: unknown): string | undefined {
  const tagged = checkTagged(msg, TYPES);
  if (tagged !== undefined || !isRecord(msg)) return tagged;
  if (msg.type === "heartbeat") return validateHeartbeatMsg(msg);
  if (msg.type === "inv-check" || msg.type === "inv-merge") {
    return firstProblem(checkNat(msg, "epoch"), checkNat(msg, "size"));
  }
  return firstProblem(
    checkNat(msg, "epoch"),
    checkArray(msg, "members", INVITATION_MEMBERS_MAX, isNodeIdValue, "a node id"),
  );
}
