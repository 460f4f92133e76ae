import {
  checkArray,
  checkNat,
  checkTagged,
  firstProblem,
  isNodeId,
  isRecord,
  type NodeId,
} from "../../core/index.js";

/** What a SWIM update says about a member (§4.2's Alive, Suspect, Confirm; plus a graceful leave). */
export type SwimState = "alive" | "suspect" | "dead" | "left";

/**
 * One dissemination item, piggybacked on probes: "`member` is `state` at
 * `incarnation`", as `source` claimed it (a suspicion's source matters to
 * Lifeguard's independent confirmations).
 */
export interface SwimUpdate {
  readonly member: NodeId;
  readonly state: SwimState;
  readonly incarnation: number;
  readonly source: NodeId;
}

/**
 * SWIM's messages, keyed on `type`: a direct probe (`ping` → `pingOk`), an
 * indirect probe (`pingReq` to a relay, which pings the target and answers
 * `pingReqOk`, or `pingReqNack` when the target stayed silent — Lifeguard),
 * `join` through a seed (answered by `joinOk` with the seed's member list),
 * `sync` / `syncOk` full-list anti-entropy, and `gossip` (a bare update push,
 * used for graceful leave). Probes and their answers carry `updates`.
 */
export type SwimMsg =
  | { readonly type: "ping"; readonly msgId: number; readonly updates: readonly SwimUpdate[] }
  | { readonly type: "pingOk"; readonly inReplyTo: number; readonly updates: readonly SwimUpdate[] }
  | {
      readonly type: "pingReq";
      readonly msgId: number;
      readonly target: NodeId;
      readonly updates: readonly SwimUpdate[];
    }
  | {
      readonly type: "pingReqOk";
      readonly inReplyTo: number;
      readonly target: NodeId;
      readonly updates: readonly SwimUpdate[];
    }
  | { readonly type: "pingReqNack"; readonly inReplyTo: number; readonly target: NodeId }
  | { readonly type: "join"; readonly incarnation: number }
  | { readonly type: "joinOk"; readonly members: readonly SwimUpdate[] }
  | { readonly type: "sync"; readonly members: readonly SwimUpdate[] }
  | { readonly type: "syncOk"; readonly members: readonly SwimUpdate[] }
  | { readonly type: "gossip"; readonly updates: readonly SwimUpdate[] };

/** SWIM's timers. */
export type SwimTimer =
  | { readonly kind: "period" }
  | { readonly kind: "probeTimeout"; readonly msgId: number }
  | { readonly kind: "suspicion"; readonly member: NodeId; readonly incarnation: number }
  | { readonly kind: "relayNack"; readonly msgId: number }
  | { readonly kind: "sync" }
  | { readonly kind: "join" };

const TYPES = [
  "ping",
  "pingOk",
  "pingReq",
  "pingReqOk",
  "pingReqNack",
  "join",
  "joinOk",
  "sync",
  "syncOk",
  "gossip",
] as const;
const STATES: readonly string[] = ["alive", "suspect", "dead", "left"];

/** The most updates one message may carry. */
export const SWIM_UPDATES_MAX = 64;
/** The most members a `joinOk` / `sync` may list. */
export const SWIM_MEMBERS_MAX = 100_000;

function isUpdate(v: unknown): boolean {
  return (
    isRecord(v) &&
    isNodeId(v.member) &&
    isNodeId(v.source) &&
    isNodeId(v.incarnation) &&
    typeof v.state === "string" &&
    STATES.includes(v.state)
  );
}

const UPDATE_WHAT = "an update {member, state, incarnation, source}";

/** Returns why `msg` is not a well-formed `SwimMsg`, or undefined when it is. */
export function validateSwimMsg(msg: unknown): string | undefined {
  const tagged = checkTagged(msg, TYPES);
  if (tagged !== undefined || !isRecord(msg)) return tagged;
  const updates = () => checkArray(msg, "updates", SWIM_UPDATES_MAX, isUpdate, UPDATE_WHAT);
  const members = () => checkArray(msg, "members", SWIM_MEMBERS_MAX, isUpdate, UPDATE_WHAT);
  switch (msg.type as SwimMsg["type"]) {
    case "ping":
      return firstProblem(checkNat(msg, "msgId"), updates());
    case "pingOk":
      return firstProblem(checkNat(msg, "inReplyTo"), updates());
    case "pingReq":
      return firstProblem(checkNat(msg, "msgId"), checkNat(msg, "target"), updates());
    case "pingReqOk":
      return firstProblem(checkNat(msg, "inReplyTo"), checkNat(msg, "target"), updates());
    case "pingReqNack":
      return firstProblem(checkNat(msg, "inReplyTo"), checkNat(msg, "target"));
    case "join":
      return checkNat(msg, "incarnation");
    case "joinOk":
    case "sync":
    case "syncOk":
      return members();
    case "gossip":
      return updates();
  }
}
