import {
  checkArray,
  checkNat,
  checkTagged,
  describeValue,
  firstProblem,
  isRecord,
} from "../../core/index.js";
import type { HeartbeatMsg } from "../../detect/index.js";
import { validateHeartbeatMsg } from "../../detect/index.js";

/** The most ids a ring message may carry (one per member). */
export const RING_LIVE_MAX = 100_000;

/**
 * The ring election's messages, each passed to the next live successor and
 * acknowledged hop by hop: `ring-elect` collects the ids of the live members
 * it visits (`live`) on its way back to its `initiator`, carrying the highest
 * epoch seen; `ring-leader` then goes round with the winner and its epoch,
 * `hops` counting the members it has visited. `round` tells an initiator's
 * rounds apart. `ring-ack` acknowledges one hop of either (`kind`, `initiator`
 * and `round` name it), so a lost hop is sent again instead of losing the
 * whole circuit.
 */
export type RingElectMsg =
  | {
      readonly type: "ring-elect";
      readonly initiator: number;
      readonly round: number;
      readonly epoch: number;
      readonly live: readonly number[];
    }
  | {
      readonly type: "ring-leader";
      readonly initiator: number;
      readonly round: number;
      readonly leader: number;
      readonly epoch: number;
      readonly hops: number;
    }
  | {
      readonly type: "ring-ack";
      readonly kind: "elect" | "leader";
      readonly initiator: number;
      readonly round: number;
      readonly epoch: number;
    };

/** Everything a ring node receives: its own messages and its detector's heartbeats. */
export type RingMsg = HeartbeatMsg | RingElectMsg;

/** The ring election's own timers (beside the detector's `tick` and `check`). */
export type RingTimer = "round" | "announce" | "hop" | "rejoin";

const TYPES = ["heartbeat", "ring-elect", "ring-leader", "ring-ack"] as const;

const isNodeIdValue = (v: unknown): boolean =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** Returns why `msg` is not a well-formed `RingMsg`, or undefined when it is. */
export function validateRingMsg(msg: unknown): string | undefined {
  const tagged = checkTagged(msg, TYPES);
  if (tagged !== undefined || !isRecord(msg)) return tagged;
  if (msg.type === "heartbeat") return validateHeartbeatMsg(msg);
  if (msg.type === "ring-elect") {
    return firstProblem(
      checkNat(msg, "initiator"),
      checkNat(msg, "round"),
      checkNat(msg, "epoch"),
      checkArray(msg, "live", RING_LIVE_MAX, isNodeIdValue, "a node id"),
    );
  }
  if (msg.type === "ring-ack") {
    const kind =
      msg.kind === "elect" || msg.kind === "leader"
        ? undefined
        : `kind: expected "elect" or "leader", got ${describeValue(msg.kind)}`;
    return firstProblem(
      kind,
      checkNat(msg, "initiator"),
      checkNat(msg, "round"),
      checkNat(msg, "epoch"),
    );
  }
  return firstProblem(
    checkNat(msg, "initiator"),
    checkNat(msg, "round"),
    checkNat(msg, "leader"),
    checkNat(msg, "epoch"),
    checkNat(msg, "hops"),
  );
}
