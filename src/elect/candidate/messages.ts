import { checkNat, checkTagged, firstProblem, isRecord } from "../../core/index.js";
import type { HeartbeatMsg } from "../../detect/index.js";
import { validateHeartbeatMsg } from "../../detect/index.js";

/**
 * The candidate/ordinary election's messages: an elector's `cand-probe` to
 * every candidate, a candidate's `cand-alive` answer, and `cand-coordinator`
 * naming the `leader` (sent by the elector after the collection, and by the
 * leader itself periodically).
 */
export type CandidateElectMsg =
  | { readonly type: "cand-probe"; readonly epoch: number }
  | { readonly type: "cand-alive"; readonly epoch: number }
  | { readonly type: "cand-coordinator"; readonly leader: number; readonly epoch: number };

/** Everything a candidate/ordinary node receives: its own messages and its detector's heartbeats. */
export type CandidateMsg = HeartbeatMsg | CandidateElectMsg;

/** The election's own timers (beside the detector's `tick` and `check`). */
export type CandidateTimer = "listen" | "delta" | "collect" | "await" | "announce";

const TYPES = ["heartbeat", "cand-probe", "cand-alive", "cand-coordinator"] as const;

/** Returns why `msg` is not a well-formed `CandidateMsg`, or undefined when it is. */
export function validateCandidateMsg(msg: unknown): string | undefined {
  const tagged = checkTagged(msg, TYPES);
  if (tagged !== undefined || !isRecord(msg)) return tagged;
  if (msg.type === "heartbeat") return validateHeartbeatMsg(msg);
  if (msg.type === "cand-coordinator")
    return firstProblem(checkNat(msg, "leader"), checkNat(msg, "epoch"));
  return checkNat(msg, "epoch");
}
