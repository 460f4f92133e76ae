import {
  checkArray,
  checkNat,
  checkString,
  checkTagged,
  firstProblem,
  isRecord,
} from "../core/index.js";

/** Longest body a broadcast may carry (UTF-16 code units). */
export const BODY_LENGTH_MAX = 4_096;
/** Most entries a vector timestamp on the wire may have. */
export const VECTOR_LENGTH_MAX = 10_000;

/**
 * One application broadcast as it travels: who broadcast it, its per-origin
 * sequence number (1, 2, …, in broadcast order), its body and — for causal
 * broadcast — the origin's vector of delivered counts at broadcast time, with
 * its own entry equal to `seq` (empty for the other variants).
 */
export interface DataMessage {
  readonly type: "data";
  readonly origin: number;
  readonly seq: number;
  readonly body: string;
  readonly vc: readonly number[];
}

/** The sequencer's decision that the data message (`origin`, `seq`) is the `rank`-th (from 1) to deliver. */
export interface OrderMessage {
  readonly type: "order";
  readonly rank: number;
  readonly origin: number;
  readonly seq: number;
}

/** The receiver holds the packet named `key` (see `packetKey`): the sender may stop resending it. */
export interface AckMessage {
  readonly type: "ack";
  readonly key: string;
}

/** A packet the dissemination layer spreads: an application message or a sequencer decision. */
export type Packet = DataMessage | OrderMessage;

/** Every message of the broadcast protocols. */
export type BroadcastMessage = Packet | AckMessage;

/** The name of a packet, unique over a run: `d<origin>.<seq>` or `o<rank>`. */
export function packetKey(p: Packet): string {
  return p.type === "data" ? `d${p.origin}.${p.seq}` : `o${p.rank}`;
}

/** The id of a data message as it appears in `broadcast` and `deliver` events: `<origin>.<seq>`. */
export function messageId(origin: number, seq: number): string {
  return `${origin}.${seq}`;
}

const KEY_PATTERN = /^(d\d{1,15}\.\d{1,15}|o\d{1,15})$/;
const isNat = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/**
 * Checks a message from the wire: returns why it is not a well-formed
 * `BroadcastMessage` (`field: expected …, got …`), or undefined.
 */
export function validateBroadcast(msg: unknown): string | undefined {
  const tag = checkTagged(msg, ["data", "order", "ack"]);
  if (tag !== undefined || !isRecord(msg)) return tag;
  switch (msg.type) {
    case "data": {
      const shape = firstProblem(
        checkNat(msg, "origin"),
        checkNat(msg, "seq"),
        checkString(msg, "body"),
        checkArray(msg, "vc", VECTOR_LENGTH_MAX, isNat, "a non-negative integer"),
      );
      if (shape !== undefined) return shape;
      if ((msg.seq as number) < 1) return `seq: expected at least 1, got ${msg.seq}`;
      if ((msg.body as string).length > BODY_LENGTH_MAX) {
        return `body: expected at most ${BODY_LENGTH_MAX} characters, got ${(msg.body as string).length}`;
      }
      return undefined;
    }
    case "order": {
      const shape = firstProblem(
        checkNat(msg, "rank"),
        checkNat(msg, "origin"),
        checkNat(msg, "seq"),
      );
      if (shape !== undefined) return shape;
      if ((msg.rank as number) < 1) return `rank: expected at least 1, got ${msg.rank}`;
      if ((msg.seq as number) < 1) return `seq: expected at least 1, got ${msg.seq}`;
      return undefined;
    }
    default: {
      const shape = checkString(msg, "key");
      if (shape !== undefined) return shape;
      return KEY_PATTERN.test(msg.key as string)
        ? undefined
        : `key: expected d<origin>.<seq> or o<rank>, got ${JSON.stringify(String(msg.key).slice(0, 40))}`;
    }
  }
}
