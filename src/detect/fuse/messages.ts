import {
  checkArray,
  checkNat,
  checkTagged,
  firstProblem,
  isNodeId,
  isRecord,
  type NodeId,
} from "../../core/index.js";

/** A FUSE group's identity: its creator (root) and the creator's epoch. Ordered by epoch, then root. */
export interface GroupId {
  readonly epoch: number;
  readonly root: NodeId;
}

/**
 * FUSE's messages, keyed on `type`: liveness checking on the group's tree
 * (`ping` / `pingOk`), failure notification (`groupFailed`), group creation
 * (`create` → `createOk` or `createNack` naming the group the member is in,
 * then `ready` with the final member list) and `invite` / `inviteOk`, with
 * which a root finds members it had to leave out.
 */
export type FuseMsg =
  | { readonly type: "ping"; readonly epoch: number; readonly root: NodeId }
  | { readonly type: "pingOk"; readonly epoch: number; readonly root: NodeId }
  | { readonly type: "groupFailed"; readonly epoch: number; readonly root: NodeId }
  | { readonly type: "create"; readonly epoch: number; readonly root: NodeId }
  | { readonly type: "createOk"; readonly epoch: number; readonly root: NodeId }
  | {
      readonly type: "createNack";
      readonly epoch: number;
      readonly root: NodeId;
      readonly currentEpoch: number;
      readonly currentRoot: NodeId;
    }
  | {
      readonly type: "ready";
      readonly epoch: number;
      readonly root: NodeId;
      readonly members: readonly NodeId[];
    }
  | { readonly type: "invite"; readonly epoch: number; readonly root: NodeId }
  | { readonly type: "inviteOk"; readonly epoch: number; readonly root: NodeId };

/** FUSE's timers. */
export type FuseTimer =
  | { readonly kind: "tick" }
  | { readonly kind: "create" }
  | { readonly kind: "form"; readonly epoch: number }
  | { readonly kind: "invite" };

const TYPES = [
  "ping",
  "pingOk",
  "groupFailed",
  "create",
  "createOk",
  "createNack",
  "ready",
  "invite",
  "inviteOk",
] as const;

/** The most members a `ready` message may list. */
export const FUSE_MEMBERS_MAX = 100_000;

/** Returns why `msg` is not a well-formed `FuseMsg`, or undefined when it is. */
export function validateFuseMsg(msg: unknown): string | undefined {
  const tagged = checkTagged(msg, TYPES);
  if (tagged !== undefined || !isRecord(msg)) return tagged;
  const base = firstProblem(checkNat(msg, "epoch"), checkNat(msg, "root"));
  if (base !== undefined) return base;
  if (msg.type === "createNack")
    return firstProblem(checkNat(msg, "currentEpoch"), checkNat(msg, "currentRoot"));
  if (msg.type === "ready")
    return checkArray(msg, "members", FUSE_MEMBERS_MAX, isNodeId, "a node id");
  return undefined;
}

/** −1, 0 or 1 as group `a` is older than, the same as, or newer than `b`. */
export function compareGroups(a: GroupId, b: GroupId): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  if (a.root !== b.root) return a.root < b.root ? -1 : 1;
  return 0;
}
