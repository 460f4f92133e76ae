import { checkArray, checkNat, firstProblem, isRecord } from "../core/index.js";
import type { BullyMsg } from "../elect/index.js";
import { validateBullyMsg } from "../elect/index.js";
import type { DataMessage } from "./messages.js";

/**
 * The messages of the elected sequencer (`ElectedOrder`), a majority-acked
 * log of data messages whose leader changes by ballot:
 *
 * - `prepare`: the would-be sequencer of `ballot` asks for every entry past
 *   `commit` (the committed prefix it already holds);
 * - `promise`: the answer — the sender will accept nothing of a lower ballot;
 *   its log was last written in `logBallot`, is `length` long, `commit` of it
 *   is committed, and `entries` are its log from position `from` on;
 * - `reject`: the sender has promised `promised`, above `ballot`;
 * - `append`: the sequencer of `ballot` says the log from position `from` is
 *   `entries`, and its first `commit` entries are committed;
 * - `accepted`: the sender's log agrees with the sequencer of `ballot` on its
 *   first `length` entries.
 */
export type ElectedOrderMessage =
  | { readonly type: "prepare"; readonly ballot: number; readonly commit: number }
  | {
      readonly type: "promise";
      readonly ballot: number;
      readonly logBallot: number;
      readonly length: number;
      readonly commit: number;
      readonly from: number;
      readonly entries: readonly DataMessage[];
    }
  | { readonly type: "reject"; readonly ballot: number; readonly promised: number }
  | {
      readonly type: "append";
      readonly ballot: number;
      readonly from: number;
      readonly entries: readonly DataMessage[];
      readonly commit: number;
    }
  | { readonly type: "accepted"; readonly ballot: number; readonly length: number };

/** The embedded bully election's own messages (and its detector's heartbeats), wrapped. */
export interface ElectMessage {
  readonly type: "elect";
  readonly msg: BullyMsg;
}

/** The message types of the elected sequencer. */
export const ELECTED_ORDER_TYPES = ["prepare", "promise", "reject", "append", "accepted"] as const;

/** Most entries one `promise` or `append` may carry. */
export const LOG_ITEMS_MAX = 100_000;

/**
 * Checks the fields of an elected-sequencer message whose `type` is already
 * one of `ELECTED_ORDER_TYPES` or `elect`; `validateData` checks each entry.
 * Returns `field: expected …, got …`, or undefined.
 */
export function validateElectedOrder(
  msg: Record<string, unknown>,
  validateData: (d: unknown) => string | undefined,
): string | undefined {
  const entries = (): string | undefined => {
    const shape = checkArray(
      msg,
      "entries",
      LOG_ITEMS_MAX,
      (d) => isRecord(d) && d.type === "data",
      "a data message",
    );
    if (shape !== undefined) return shape;
    for (const d of msg.entries as unknown[]) {
      const inner = validateData(d);
      if (inner !== undefined) return `entries item: ${inner}`;
    }
    return undefined;
  };
  switch (msg.type) {
    case "elect": {
      const inner = validateBullyMsg(msg.msg);
      return inner === undefined ? undefined : `msg: ${inner}`;
    }
    case "prepare":
      return firstProblem(checkNat(msg, "ballot"), checkNat(msg, "commit"));
    case "promise":
      return firstProblem(
        checkNat(msg, "ballot"),
        checkNat(msg, "logBallot"),
        checkNat(msg, "length"),
        checkNat(msg, "commit"),
        checkNat(msg, "from"),
        entries(),
      );
    case "reject":
      return firstProblem(checkNat(msg, "ballot"), checkNat(msg, "promised"));
    case "append":
      return firstProblem(
        checkNat(msg, "ballot"),
        checkNat(msg, "from"),
        checkNat(msg, "commit"),
        entries(),
      );
    default:
      return firstProblem(checkNat(msg, "ballot"), checkNat(msg, "length"));
  }
}
