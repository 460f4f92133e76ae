import {
  checkArray,
  checkNat,
  checkString,
  checkTagged,
  firstProblem,
  isRecord,
} from "../core/index.js";
import {
  ELECTED_ORDER_TYPES,
  type ElectedOrderMessage,
  type ElectMessage,
  validateElectedOrder,
} from "./elected-messages.js";

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

/** The sequencer of `epoch` decided that the data message (`origin`, `seq`) is that epoch's `rank`-th (from 1) to deliver. */
export interface OrderMessage {
  readonly type: "order";
  readonly epoch: number;
  readonly rank: number;
  readonly origin: number;
  readonly seq: number;
}

/** The receiver holds the packet named `key` (see `packetKey`): the sender may stop resending it. */
export interface AckMessage {
  readonly type: "ack";
  readonly key: string;
}

/**
 * A new total-order sequencer opens `epoch`: `closes[x]` is the last rank of
 * every earlier epoch x, and `orders`/`data` every decision (with its message)
 * up to those ranks, as collected from every node still up.
 */
export interface EpochMessage {
  readonly type: "epoch";
  readonly epoch: number;
  readonly closes: readonly number[];
  readonly orders: readonly OrderMessage[];
  readonly data: readonly DataMessage[];
}

/** The would-be sequencer of `epoch` asks for every decision of earlier epochs. */
export interface FlushMessage {
  readonly type: "flush";
  readonly epoch: number;
}

/** The answer to a flush: the closes, decisions of earlier epochs and their messages this node holds. */
export interface FlushedMessage {
  readonly type: "flushed";
  readonly epoch: number;
  readonly closes: readonly number[];
  readonly orders: readonly OrderMessage[];
  readonly data: readonly DataMessage[];
}

/**
 * A node's periodic report (reliable, FIFO, causal): it has delivered every
 * message of origin o up to `prefix[o]` (durably, when it rejoins after
 * crashes), and has restarted `incarnation` times. Peers drop what every node
 * delivered, and resend to a node whose incarnation grew what it lacks.
 */
export interface ProgressMessage {
  readonly type: "progress";
  readonly incarnation: number;
  readonly prefix: readonly number[];
}

/** A packet the dissemination layer spreads: an application message, a sequencer decision, an epoch's opening. */
export type Packet = DataMessage | OrderMessage | EpochMessage;

/** Every message of the broadcast protocols. */
export type BroadcastMessage =
  | Packet
  | AckMessage
  | FlushMessage
  | FlushedMessage
  | ProgressMessage
  | ElectedOrderMessage
  | ElectMessage;

/** Whether `m` is a packet of the dissemination layer. */
export function isPacket(m: BroadcastMessage): m is Packet {
  return m.type === "data" || m.type === "order" || m.type === "epoch";
}

/** The name of a packet, unique over a run: `d<origin>.<seq>`, `o<epoch>.<rank>` or `e<epoch>`. */
export function packetKey(p: Packet): string {
  switch (p.type) {
    case "data":
      return `d${p.origin}.${p.seq}`;
    case "order":
      return `o${p.epoch}.${p.rank}`;
    default:
      return `e${p.epoch}`;
  }
}

/** The id of a data message as it appears in `broadcast` and `deliver` events: `<origin>.<seq>`. */
export function messageId(origin: number, seq: number): string {
  return `${origin}.${seq}`;
}

const KEY_PATTERN = /^([do]\d{1,15}\.\d{1,15}|e\d{1,15})$/;
/** Most decisions or messages one epoch opening or flush answer may carry. */
export const EPOCH_ITEMS_MAX = 100_000;
const isNat = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/**
 * Checks a message from the wire: returns why it is not a well-formed
 * `BroadcastMessage` (`field: expected …, got …`), or undefined.
 */
export function validateBroadcast(msg: unknown): string | undefined {
  const tag = checkTagged(msg, [
    "data",
    "order",
    "ack",
    "epoch",
    "flush",
    "flushed",
    "progress",
    "elect",
    ...ELECTED_ORDER_TYPES,
  ]);
  if (tag !== undefined || !isRecord(msg)) return tag;
  switch (msg.type) {
    case "progress":
      return firstProblem(
        checkNat(msg, "incarnation"),
        checkArray(msg, "prefix", VECTOR_LENGTH_MAX, isNat, "a non-negative integer"),
      );
    case "elect":
    case "prepare":
    case "promise":
    case "reject":
    case "append":
    case "accepted":
      return validateElectedOrder(msg, validateBroadcast);
    case "flush":
      return checkNat(msg, "epoch");
    case "epoch":
    case "flushed": {
      const shape = firstProblem(
        checkNat(msg, "epoch"),
        checkArray(msg, "closes", EPOCH_ITEMS_MAX, isNat, "a non-negative integer"),
        checkArray(
          msg,
          "orders",
          EPOCH_ITEMS_MAX,
          (o) => isRecord(o) && o.type === "order",
          "an order",
        ),
        checkArray(
          msg,
          "data",
          EPOCH_ITEMS_MAX,
          (d) => isRecord(d) && d.type === "data",
          "a data message",
        ),
      );
      if (shape !== undefined) return shape;
      const items = [...(msg.orders as unknown[]), ...(msg.data as unknown[])];
      for (const item of items) {
        const inner = validateBroadcast(item);
        if (inner !== undefined) return `${msg.type} item: ${inner}`;
      }
      return undefined;
    }
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
        checkNat(msg, "epoch"),
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
        : `key: expected d<origin>.<seq>, o<epoch>.<rank> or e<epoch>, got ${JSON.stringify(String(msg.key).slice(0, 40))}`;
    }
  }
}
