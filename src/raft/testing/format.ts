import { assertNever } from "../../core/assert.js";
import { isConfigCommand, type Membership } from "../membership.js";
import type { Entry, RaftMessage } from "../messages.js";

/** A configuration as `voters=1,2,3 learners=4`. */
export function formatMembership(m: Membership): string {
  return `voters=${m.voters.join(",")} learners=${m.learners.join(",")}`;
}

function entryData(data: Entry["data"]): string {
  if (data === null) return "";
  if (isConfigCommand(data)) return ` config(${formatMembership(data.membership)})`;
  return ` ${data.op.op}`;
}

function entries(list: readonly Entry[]): string {
  return `[${list.map((e) => `${e.index}/${e.term}${entryData(e.data)}`).join(", ")}]`;
}

/** One message as one short line for traces and golden files. */
export function formatMessage(msg: RaftMessage): string {
  switch (msg.type) {
    case "preVote":
    case "requestVote":
      return `${msg.type} term=${msg.term} last=${msg.lastLogIndex}/${msg.lastLogTerm}`;
    case "preVoteOk":
    case "requestVoteOk":
      return `${msg.type} term=${msg.term} ${msg.granted ? "granted" : "rejected"}`;
    case "appendEntries":
      return `appendEntries term=${msg.term} prev=${msg.prevLogIndex}/${msg.prevLogTerm} entries=${entries(msg.entries)} commit=${msg.leaderCommit}`;
    case "appendEntriesOk":
      return msg.success
        ? `appendEntriesOk term=${msg.term} index=${msg.index}`
        : `appendEntriesOk term=${msg.term} rejected=${msg.index} hint=${msg.conflictIndex}/${msg.conflictTerm}`;
    case "heartbeat":
      return `heartbeat term=${msg.term} commit=${msg.commit} readSeq=${msg.readSeq}`;
    case "heartbeatOk":
      return `heartbeatOk term=${msg.term} readSeq=${msg.readSeq}`;
    case "installSnapshot":
      return `installSnapshot term=${msg.term} last=${msg.lastIncludedIndex}/${msg.lastIncludedTerm} offset=${msg.offset} pairs=${msg.pairs.length} sessions=${msg.sessions.length}${msg.done ? " done" : ""}`;
    case "installSnapshotOk":
      return `installSnapshotOk term=${msg.term} last=${msg.lastIncludedIndex} next=${msg.nextOffset}`;
    case "timeoutNow":
      return `timeoutNow term=${msg.term}`;
    case "kv":
      return `kv msgId=${msg.msgId} client=${msg.clientId} seq=${msg.seq} ${JSON.stringify(msg.op)}`;
    case "kvOk":
      return `kvOk inReplyTo=${msg.inReplyTo} ${JSON.stringify(msg.result)}`;
    case "membership":
      return `membership msgId=${msg.msgId} ${msg.change.op} n${msg.change.node}`;
    case "membershipOk":
      return `membershipOk inReplyTo=${msg.inReplyTo} index=${msg.index} ${formatMembership(msg.membership)}`;
    case "error":
      return `error inReplyTo=${msg.inReplyTo} code=${msg.code} definite=${msg.definite} leader=${msg.leader === null ? "none" : `n${msg.leader}`} "${msg.text}"`;
    default:
      return assertNever(msg, "message");
  }
}
