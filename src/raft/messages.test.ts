import { describe, expect, it } from "vitest";
import { RAFT_DEFAULTS } from "./config.js";
import { raftMessageProblem } from "./messages.js";
import { raftProtocol } from "./protocol.js";

const append = (entries: unknown[], extra: Record<string, unknown> = {}) => ({
  type: "appendEntries",
  term: 3,
  prevLogIndex: 4,
  prevLogTerm: 2,
  entries,
  leaderCommit: 4,
  ...extra,
});

describe("message validation", () => {
  it("accepts well-formed messages of every type", () => {
    const good = [
      { type: "preVote", term: 2, lastLogIndex: 1, lastLogTerm: 1 },
      { type: "requestVote", term: 2, lastLogIndex: 1, lastLogTerm: 1, transfer: false },
      { type: "preVoteOk", term: 2, granted: true },
      { type: "requestVoteOk", term: 2, granted: false },
      append([
        { term: 2, index: 5, data: null },
        {
          term: 3,
          index: 6,
          data: { clientId: 1, seq: 1, op: { op: "put", key: "k", value: "v" } },
        },
      ]),
      {
        type: "appendEntriesOk",
        term: 3,
        success: false,
        index: 4,
        conflictTerm: 1,
        conflictIndex: 2,
      },
      { type: "heartbeat", term: 3, commit: 2, readSeq: 0, sentAt: 120.5 },
      { type: "heartbeatOk", term: 3, readSeq: 0, sentAt: 120.5 },
      { type: "timeoutNow", term: 3 },
      {
        type: "installSnapshot",
        term: 3,
        lastIncludedIndex: 9,
        lastIncludedTerm: 2,
        offset: 0,
        pairs: [["k", "v"]],
        sessions: [[7, 2, { op: "put" }]],
        done: true,
        membership: { voters: [1, 2, 3], learners: [4] },
      },
      { type: "installSnapshotOk", term: 3, lastIncludedIndex: 9, nextOffset: 256 },
      { type: "membership", msgId: 4, change: { op: "promote", node: 5 } },
      {
        type: "membershipOk",
        inReplyTo: 4,
        index: 12,
        membership: { voters: [0, 1, 5], learners: [3] },
      },
      append([{ term: 3, index: 5, data: { membership: { voters: [1, 2], learners: [4] } } }]),
      { type: "kv", msgId: 1, clientId: 7, seq: 1, op: { op: "get", key: "k" } },
      { type: "kvOk", inReplyTo: 1, result: { op: "get", value: null } },
      {
        type: "error",
        inReplyTo: 1,
        code: 11,
        text: "not the leader",
        definite: true,
        leader: null,
      },
    ];
    for (const msg of good)
      expect(raftMessageProblem(msg, RAFT_DEFAULTS), msg.type).toBeUndefined();
  });

  it("names the field and the reason for each malformed message", () => {
    const cases: [unknown, string][] = [
      [42, "message: expected an object, got 42"],
      [
        { type: "vote" },
        'type: expected one of preVote, preVoteOk, requestVote, requestVoteOk, appendEntries, appendEntriesOk, heartbeat, heartbeatOk, installSnapshot, installSnapshotOk, timeoutNow, kv, kvOk, membership, membershipOk, error, got "vote"',
      ],
      [
        { type: "preVote", term: -1, lastLogIndex: 0, lastLogTerm: 0 },
        "term: expected a non-negative integer, got -1",
      ],
      [
        { type: "requestVote", term: 1, lastLogIndex: 0, lastLogTerm: 0 },
        "transfer: expected a boolean, got nothing",
      ],
      [
        append([{ term: 2, index: 6, data: null }]),
        "entries[0].index: expected 5 (consecutive), got 6",
      ],
      [
        append([{ term: 1, index: 5, data: null }]),
        "entries[0].term: expected between 2 and the message term 3, got 1",
      ],
      [
        append([{ term: 4, index: 5, data: null }]),
        "entries[0].term: expected between 2 and the message term 3, got 4",
      ],
      [
        append([{ term: 3, index: 5, data: { clientId: 1, seq: 1, op: { op: "put", key: "k" } } }]),
        "entries[0].data.op.value: expected a string, got nothing",
      ],
      [
        append(new Array(RAFT_DEFAULTS.appendEntriesMax + 1).fill(null)),
        `entries: expected at most ${RAFT_DEFAULTS.appendEntriesMax} items, got ${RAFT_DEFAULTS.appendEntriesMax + 1}`,
      ],
      [
        { type: "kv", msgId: 1, clientId: 7, seq: 1, op: { op: "put", key: 5, value: "v" } },
        "op.key: expected a string, got 5",
      ],
      [
        {
          type: "installSnapshot",
          term: 3,
          lastIncludedIndex: 9,
          lastIncludedTerm: 2,
          offset: 0,
          pairs: [["k", 5]],
          sessions: [],
          done: false,
          membership: { voters: [1, 2, 3], learners: [] },
        },
        "chunk.data[0]: expected [key, value] strings, got an array of 2",
      ],
      [
        { type: "membership", msgId: 1, change: { op: "join", node: 5 } },
        'change.op: expected addLearner, promote or remove, got "join"',
      ],
      [
        { type: "membership", msgId: 1, change: { op: "remove", node: -1 } },
        "change.node: expected a node id, got -1",
      ],
      [
        append([{ term: 3, index: 5, data: { membership: { voters: [2, 1], learners: [] } } }]),
        "entries[0].data.membership.voters[1]: expected ids ascending without duplicates, got 1 after 2",
      ],
      [
        append([{ term: 3, index: 5, data: { membership: { voters: [], learners: [4] } } }]),
        "entries[0].data.membership.voters: expected at least one voter, got none",
      ],
      [
        append([{ term: 3, index: 5, data: { membership: { voters: [1, 4], learners: [4] } } }]),
        "entries[0].data.membership: n4 is both a voter and a learner",
      ],
      [
        {
          type: "installSnapshot",
          term: 3,
          lastIncludedIndex: 9,
          lastIncludedTerm: 2,
          offset: 0,
          pairs: [],
          sessions: [],
          done: true,
        },
        "membership: expected an object, got nothing",
      ],
      [
        { type: "error", inReplyTo: 1, code: 11, text: "x", definite: true, leader: "n1" },
        'leader: expected a node id or null, got "n1"',
      ],
    ];
    for (const [msg, why] of cases) expect(raftMessageProblem(msg, RAFT_DEFAULTS)).toBe(why);
  });

  it("rejects configurations with the field and the reason", () => {
    expect(raftProtocol.checkConfig({ ...RAFT_DEFAULTS, heartbeatTicks: 10 })).toBe(
      "heartbeatTicks: expected below electionTicks (10), got 10",
    );
    expect(raftProtocol.checkConfig({ ...RAFT_DEFAULTS, inflightCountMax: 0 })).toBe(
      "inflightCountMax: expected a positive integer, got 0",
    );
    expect(raftProtocol.checkConfig(RAFT_DEFAULTS)).toBeUndefined();
    expect(() => raftProtocol.create(0, { ...RAFT_DEFAULTS, tickMs: 0.5 })).toThrow(
      "raft config: tickMs: expected a positive integer, got 0.5",
    );
  });
});
