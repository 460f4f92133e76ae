import {
  checkArray,
  checkBoolean,
  checkFinite,
  checkNat,
  checkString,
  checkTagged,
  describeValue,
  firstProblem,
  isRecord,
} from "../core/validate.js";
import { SNAPSHOT_CHUNK_PAIRS_MAX } from "./config.js";
import {
  type KvCommand,
  type KvLimits,
  type KvOp,
  type KvResult,
  type KvSnapshot,
  kvCommandProblem,
  kvOpProblem,
  kvSnapshotProblem,
} from "./kv.js";
import {
  type ConfigCommand,
  isConfigCommand,
  type Membership,
  type MembershipChange,
  membershipChangeProblem,
  membershipProblem,
} from "./membership.js";

/**
 * One log entry. `data` is null for the no-op a new leader appends to commit
 * its term, a `ConfigCommand` for a membership change (in force as soon as it
 * is appended), else a key-value command.
 */
export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly data: KvCommand | ConfigCommand | null;
}

/** Messages between Raft peers. Every one carries the sender's term. */
export type RaftPeerMessage =
  /** Phase one of a campaign: would you vote for me in `term` (my term + 1)? Nobody's term changes. */
  | {
      readonly type: "preVote";
      readonly term: number;
      readonly lastLogIndex: number;
      readonly lastLogTerm: number;
    }
  | { readonly type: "preVoteOk"; readonly term: number; readonly granted: boolean }
  /** `transfer` is set when the leader asked for this campaign (TimeoutNow): voters skip the lease check. */
  | {
      readonly type: "requestVote";
      readonly term: number;
      readonly lastLogIndex: number;
      readonly lastLogTerm: number;
      readonly transfer: boolean;
    }
  | { readonly type: "requestVoteOk"; readonly term: number; readonly granted: boolean }
  | {
      readonly type: "appendEntries";
      readonly term: number;
      readonly prevLogIndex: number;
      readonly prevLogTerm: number;
      readonly entries: readonly Entry[];
      readonly leaderCommit: number;
    }
  /**
   * On success `index` is the last index now known to match the leader's log.
   * On rejection `index` is the rejected `prevLogIndex`, and the hints say
   * where to retry: the follower's term at that index (0 when its log is
   * shorter) and the first index it holds of that term (or its last index + 1).
   */
  | {
      readonly type: "appendEntriesOk";
      readonly term: number;
      readonly success: boolean;
      readonly index: number;
      readonly conflictTerm: number;
      readonly conflictIndex: number;
    }
  /** `commit` is min(follower's match, leader's commit), so a follower never commits what it may not hold. */
  | {
      readonly type: "heartbeat";
      readonly term: number;
      readonly commit: number;
      readonly readSeq: number;
      /** The leader's clock when it sent this heartbeat, echoed back for its lease. */
      readonly sentAt: number;
    }
  | {
      readonly type: "heartbeatOk";
      readonly term: number;
      readonly readSeq: number;
      readonly sentAt: number;
    }
  /**
   * One chunk of the leader's snapshot, for a follower that needs entries the
   * leader has compacted away: the key-value pairs from `offset`, and with the
   * last chunk (`done`) the client sessions. A chunk is answered with
   * `installSnapshotOk` (the next offset the follower expects); the last with
   * `appendEntriesOk` (success, index = the follower's commit index).
   */
  | {
      readonly type: "installSnapshot";
      readonly term: number;
      readonly lastIncludedIndex: number;
      readonly lastIncludedTerm: number;
      readonly offset: number;
      readonly pairs: KvSnapshot["data"];
      readonly sessions: KvSnapshot["sessions"];
      readonly done: boolean;
      /** The configuration in force at `lastIncludedIndex` (thesis §4.4: the snapshot carries it). */
      readonly membership: Membership;
    }
  | {
      readonly type: "installSnapshotOk";
      readonly term: number;
      readonly lastIncludedIndex: number;
      readonly nextOffset: number;
    }
  /** Leadership transfer: campaign now, skipping pre-vote. */
  | { readonly type: "timeoutNow"; readonly term: number };

/** Error codes, after Maelstrom's. */
export const ERROR = {
  /** The outcome is unknown (leadership lost with the command in flight). Indefinite. */
  unknown: 1,
  /** This node cannot serve it now: not the leader, or not ready. Definite: nothing was done. */
  notLeader: 11,
  /** The leader is at a bound (uncommitted entries, pending reads). Definite. */
  overloaded: 12,
  /** The request is malformed or stale, or a membership change that does not apply. Definite. */
  malformed: 13,
  /**
   * A membership change cannot start yet: another is uncommitted, the leader
   * has not committed an entry of its term, or the learner to promote has not
   * caught up. Definite: nothing was done; retry later.
   */
  busy: 14,
  /**
   * The command's client session is unknown: it expired (evicted), or was
   * never registered. Definite for this attempt: it was not applied; an
   * earlier attempt of the same command may have been. Register a new session.
   */
  sessionExpired: 15,
} as const;

/** Messages between clients and the cluster, in Maelstrom's style (`msgId` / `inReplyTo`). */
export type RaftClientMessage =
  | {
      readonly type: "kv";
      readonly msgId: number;
      readonly clientId: number;
      readonly seq: number;
      readonly op: KvOp;
    }
  | { readonly type: "kvOk"; readonly inReplyTo: number; readonly result: KvResult }
  /** An administrator's single-server membership change, sent to the leader (others redirect). */
  | { readonly type: "membership"; readonly msgId: number; readonly change: MembershipChange }
  /** The change is committed: `membership` is the configuration it made, at log index `index`. */
  | {
      readonly type: "membershipOk";
      readonly inReplyTo: number;
      readonly membership: Membership;
      readonly index: number;
    }
  /** `definite` says the operation certainly did not happen; `leader` is the node believed to lead, or null. */
  | {
      readonly type: "error";
      readonly inReplyTo: number;
      readonly code: number;
      readonly text: string;
      readonly definite: boolean;
      readonly leader: number | null;
    };

/** Every message of the Raft protocol. */
export type RaftMessage = RaftPeerMessage | RaftClientMessage;

const PEER_TYPES = [
  "preVote",
  "preVoteOk",
  "requestVote",
  "requestVoteOk",
  "appendEntries",
  "appendEntriesOk",
  "heartbeat",
  "heartbeatOk",
  "installSnapshot",
  "installSnapshotOk",
  "timeoutNow",
] as const;
const CLIENT_TYPES = ["kv", "kvOk", "membership", "membershipOk", "error"] as const;
const ALL_TYPES: readonly string[] = [...PEER_TYPES, ...CLIENT_TYPES];

/** True when `msg` is one peers exchange (it carries a term). */
export function isPeerMessage(msg: RaftMessage): msg is RaftPeerMessage {
  return !(CLIENT_TYPES as readonly string[]).includes(msg.type);
}

function entryProblem(value: unknown, limits: KvLimits, where: string): string | undefined {
  if (!isRecord(value)) return `${where}: expected an object, got ${describeValue(value)}`;
  const data = value.data;
  return firstProblem(
    checkNat(value, "term") && `${where}.${checkNat(value, "term")}`,
    checkNat(value, "index") && `${where}.${checkNat(value, "index")}`,
    data === null
      ? undefined
      : isConfigCommand(data)
        ? membershipProblem(data.membership, `${where}.data.membership`)
        : kvCommandProblem(data, limits, `${where}.data`),
  );
}

function entriesProblem(
  msg: Record<string, unknown>,
  limits: KvLimits & { appendEntriesMax: number },
): string | undefined {
  const shape = checkArray(msg, "entries", limits.appendEntriesMax, isRecord, "an entry object");
  if (shape !== undefined) return shape;
  const entries = msg.entries as Record<string, unknown>[];
  let index = msg.prevLogIndex as number;
  let term = msg.prevLogTerm as number;
  for (let i = 0; i < entries.length; i++) {
    const problem = entryProblem(entries[i], limits, `entries[${i}]`);
    if (problem !== undefined) return problem;
    const e = entries[i] as unknown as Entry;
    if (e.index !== index + 1) {
      return `entries[${i}].index: expected ${index + 1} (consecutive), got ${e.index}`;
    }
    if (e.term < term || e.term > (msg.term as number)) {
      return `entries[${i}].term: expected between ${term} and the message term ${String(msg.term)}, got ${e.term}`;
    }
    index = e.index;
    term = e.term;
  }
  return undefined;
}

function peerProblem(
  msg: Record<string, unknown>,
  limits: KvLimits & { appendEntriesMax: number },
): string | undefined {
  const term = checkNat(msg, "term");
  if (term !== undefined) return term;
  switch (msg.type) {
    case "preVote":
      return firstProblem(checkNat(msg, "lastLogIndex"), checkNat(msg, "lastLogTerm"));
    case "requestVote":
      return firstProblem(
        checkNat(msg, "lastLogIndex"),
        checkNat(msg, "lastLogTerm"),
        checkBoolean(msg, "transfer"),
      );
    case "preVoteOk":
    case "requestVoteOk":
      return checkBoolean(msg, "granted");
    case "appendEntries":
      return (
        firstProblem(
          checkNat(msg, "prevLogIndex"),
          checkNat(msg, "prevLogTerm"),
          checkNat(msg, "leaderCommit"),
        ) ?? entriesProblem(msg, limits)
      );
    case "appendEntriesOk":
      return firstProblem(
        checkBoolean(msg, "success"),
        checkNat(msg, "index"),
        checkNat(msg, "conflictTerm"),
        checkNat(msg, "conflictIndex"),
      );
    case "heartbeat":
      return firstProblem(
        checkNat(msg, "commit"),
        checkNat(msg, "readSeq"),
        checkFinite(msg, "sentAt"),
      );
    case "heartbeatOk":
      return firstProblem(checkNat(msg, "readSeq"), checkFinite(msg, "sentAt"));
    case "installSnapshot": {
      const pairs = msg.pairs;
      const chunk =
        Array.isArray(pairs) && pairs.length > SNAPSHOT_CHUNK_PAIRS_MAX
          ? `pairs: expected at most ${SNAPSHOT_CHUNK_PAIRS_MAX} items, got ${pairs.length}`
          : undefined;
      return (
        firstProblem(
          checkNat(msg, "lastIncludedIndex"),
          checkNat(msg, "lastIncludedTerm"),
          checkNat(msg, "offset"),
          checkBoolean(msg, "done"),
          chunk,
          membershipProblem(msg.membership, "membership"),
        ) ?? kvSnapshotProblem({ data: msg.pairs, sessions: msg.sessions }, "chunk")
      );
    }
    case "installSnapshotOk":
      return firstProblem(checkNat(msg, "lastIncludedIndex"), checkNat(msg, "nextOffset"));
    default:
      return undefined;
  }
}

function clientProblem(msg: Record<string, unknown>, limits: KvLimits): string | undefined {
  switch (msg.type) {
    case "kv":
      return firstProblem(
        checkNat(msg, "msgId"),
        checkNat(msg, "clientId"),
        checkNat(msg, "seq"),
        kvOpProblem(msg.op, limits),
      );
    case "membership":
      return firstProblem(checkNat(msg, "msgId"), membershipChangeProblem(msg.change, "change"));
    case "membershipOk":
      return firstProblem(
        checkNat(msg, "inReplyTo"),
        checkNat(msg, "index"),
        membershipProblem(msg.membership, "membership"),
      );
    case "kvOk":
      return firstProblem(
        checkNat(msg, "inReplyTo"),
        isRecord(msg.result)
          ? undefined
          : `result: expected an object, got ${describeValue(msg.result)}`,
      );
    default: {
      const leader = msg.leader;
      return firstProblem(
        checkNat(msg, "inReplyTo"),
        checkNat(msg, "code"),
        checkString(msg, "text"),
        checkBoolean(msg, "definite"),
        leader === null ||
          (typeof leader === "number" && Number.isSafeInteger(leader) && leader >= 0)
          ? undefined
          : `leader: expected a node id or null, got ${describeValue(leader)}`,
      );
    }
  }
}

/**
 * Why `msg` is not a well-formed Raft message, or undefined. Checks every
 * field a handler reads, that entries are consecutive from `prevLogIndex + 1`
 * with terms between `prevLogTerm` and the message's term, and the key-value
 * limits, so a node never acts on a malformed frame.
 */
export function raftMessageProblem(
  msg: unknown,
  limits: KvLimits & { appendEntriesMax: number },
): string | undefined {
  const tagged = checkTagged(msg, ALL_TYPES);
  if (tagged !== undefined) return tagged;
  const record = msg as Record<string, unknown>;
  return (PEER_TYPES as readonly string[]).includes(record.type as string)
    ? peerProblem(record, limits)
    : clientProblem(record, limits);
}
