import { checkNat, checkTagged, firstProblem, isRecord } from "../core/index.js";

/** Money moving from the sender to the receiver; `ch` numbers the messages of that channel from 1. */
export interface TransferMessage {
  readonly type: "transfer";
  readonly ch: number;
  readonly amount: number;
}

/** Chandy–Lamport's marker of snapshot `snap` on this channel. */
export interface MarkerMessage {
  readonly type: "marker";
  readonly ch: number;
  readonly snap: number;
}

/** The receiver holds every message of the sender's channel to it up to `upTo`: the sender may stop resending them. */
export interface ChannelAckMessage {
  readonly type: "chack";
  readonly upTo: number;
}

/** A message that travels on a FIFO channel. */
export type ChannelMessage = TransferMessage | MarkerMessage;

/** Every message of the snapshot bank. */
export type SnapshotMessage = ChannelMessage | ChannelAckMessage;

/** Checks a message from the wire: why it is not a well-formed `SnapshotMessage`, or undefined. */
export function validateSnapshot(msg: unknown): string | undefined {
  const tag = checkTagged(msg, ["transfer", "marker", "chack"]);
  if (tag !== undefined || !isRecord(msg)) return tag;
  if (msg.type === "chack") return checkNat(msg, "upTo");
  const shape = firstProblem(
    checkNat(msg, "ch"),
    msg.type === "transfer" ? checkNat(msg, "amount") : checkNat(msg, "snap"),
  );
  if (shape !== undefined) return shape;
  if ((msg.ch as number) < 1) return `ch: expected at least 1, got ${msg.ch}`;
  if (msg.type === "marker" && (msg.snap as number) < 1)
    return `snap: expected at least 1, got ${msg.snap}`;
  return undefined;
}
