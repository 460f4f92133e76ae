import { describe, expect, it } from "vitest";
import type { NodeId } from "../core/ids.js";
import { checkRaftConfig, RAFT_DEFAULTS } from "./config.js";
import type { KvOp } from "./kv.js";
import type { RaftMessage } from "./messages.js";
import { type Envelope, TestNet } from "./testing/net.js";

/** Beyond the paper's core: pre-vote and check-quorum (thesis §9.6), pipelining and flow control, ReadIndex (§6.4), sessions (§6.3). */

const CLIENT = 99;
let msgId = 1000;

function request(net: TestNet, to: NodeId, op: KvOp, seq: number, clientId = CLIENT): number {
  msgId++;
  net.inject(clientId, to, { type: "kv", msgId, clientId, seq, op });
  return msgId;
}

function replies(net: TestNet, clientId = CLIENT): RaftMessage[] {
  return net.takeOutside(clientId).map((e) => e.msg);
}

function elect(net: TestNet, id: NodeId): void {
  net.campaign(id);
  net.stabilize();
  expect(net.raft(id)?.inspect().role).toBe("leader");
}

const ticks = (net: TestNet, ids: readonly NodeId[], n: number) => {
  for (let i = 0; i < n; i++) {
    for (const id of ids) net.tick(id);
    net.stabilize();
  }
};

describe("thesis §9.6 pre-vote and check-quorum", () => {
  it("with pre-vote, a node partitioned away does not raise its term and rejoins without deposing the leader", () => {
    const net = new TestNet({ ids: [1, 2, 3] });
    net.startAll();
    elect(net, 1);
    net.partition([[1, 2], [3]]);
    ticks(net, [1, 2, 3], 60); // n3 times out again and again
    expect(net.raft(3)?.inspect().term).toBe(1);
    net.heal();
    ticks(net, [1, 2, 3], 3);
    expect(net.raft(1)?.inspect()).toMatchObject({ role: "leader", term: 1 });
  });

  it("without pre-vote, the same node rejoins with a higher term and forces an election", () => {
    const net = new TestNet({ ids: [1, 2, 3], config: { preVote: false, checkQuorum: false } });
    net.startAll();
    elect(net, 1);
    net.partition([[1, 2], [3]]);
    ticks(net, [1, 2, 3], 60);
    expect(net.raft(3)?.inspect().term).toBeGreaterThan(1);
    net.heal();
    ticks(net, [1, 2, 3], 2);
    expect(net.raft(1)?.inspect().term).toBeGreaterThan(1);
  });

  it("check-quorum: a leader that hears from no quorum for an election timeout steps down", () => {
    const net = new TestNet({ ids: [1, 2, 3] });
    net.startAll();
    elect(net, 1);
    net.partition([[1], [2, 3]]);
    ticks(net, [1], 2 * net.config.electionTicks);
    expect(net.raft(1)?.inspect().role).toBe("follower");
  });

  it("lease: a follower that hears from its leader ignores a higher-term campaign", () => {
    const net = new TestNet({ ids: [1, 2, 3], config: { preVote: false } });
    net.startAll();
    elect(net, 1);
    net.campaign(3);
    net.deliver((e) => e.from === 3 && e.to === 2);
    expect(net.queue.some((e) => e.from === 2 && e.to === 3)).toBe(false);
    expect(net.raft(2)?.inspect().term).toBe(1);
  });
});

describe("pipelining and flow control", () => {
  it("at most inflightCountMax AppendEntries are in flight to a follower; acknowledgements release more", () => {
    const net = new TestNet({
      ids: [1, 2, 3],
      config: { appendEntriesMax: 1, inflightCountMax: 3 },
    });
    net.startAll();
    elect(net, 1);
    for (let seq = 1; seq <= 10; seq++)
      request(net, 1, { op: "put", key: "k", value: `${seq}` }, seq);
    net.deliver((e) => e.to === 1);
    const toN2 = () => net.queue.filter((e) => e.to === 2 && e.msg.type === "appendEntries").length;
    expect(toN2()).toBe(3);
    net.deliver((e) => e.to === 2);
    net.deliver((e) => e.to === 1 && e.from === 2);
    expect(toN2()).toBe(3);
    net.stabilize();
    ticks(net, [1], 1);
    expect(replies(net).filter((m) => m.type === "kvOk")).toHaveLength(10);
    expect(net.raft(2)?.kvEntries()).toEqual([["k", "10"]]);
  });

  it("the bytes in flight are bounded too (at least one entry always goes)", () => {
    const big = "x".repeat(1000);
    const net = new TestNet({
      ids: [1, 2, 3],
      config: { appendBytesMax: 1500, inflightBytesMax: 2500 },
    });
    net.startAll();
    elect(net, 1);
    for (let seq = 1; seq <= 8; seq++) request(net, 1, { op: "put", key: "k", value: big }, seq);
    net.deliver((e) => e.to === 1);
    const sizes = net.queue
      .filter(
        (e): e is Envelope & { msg: { type: "appendEntries" } } =>
          e.to === 2 && e.msg.type === "appendEntries",
      )
      .map((e) => (e.msg as Extract<RaftMessage, { type: "appendEntries" }>).entries.length);
    // One entry per message (two would pass 1500 bytes), and at most 3 messages (2500 bytes) in flight.
    expect(sizes.every((n) => n === 1)).toBe(true);
    expect(sizes.length).toBeLessThanOrEqual(3);
    net.stabilize();
    ticks(net, [1], 2);
    expect(replies(net).filter((m) => m.type === "kvOk")).toHaveLength(8);
  });

  it("a follower whose pipelined AppendEntries were all lost is probed again after replicateStallTicks", () => {
    const net = new TestNet({ ids: [1, 2, 3], config: { heartbeatTicks: 5 } });
    net.startAll();
    elect(net, 1);
    request(net, 1, { op: "put", key: "k", value: "v" }, 1);
    net.deliver((e) => e.to === 1);
    net.drop((e) => e.to === 3);
    net.stabilize();
    expect(net.raft(3)?.inspect().log.length).toBe(1);
    ticks(net, [1], net.config.replicateStallTicks);
    expect(net.raft(3)?.inspect().log.length).toBe(2);
  });

  it("the leader refuses writes beyond uncommittedEntriesMax with a definite error", () => {
    const net = new TestNet({ ids: [1, 2, 3], config: { uncommittedEntriesMax: 2 } });
    net.startAll();
    elect(net, 1);
    net.partition([[1], [2, 3]]);
    for (let seq = 1; seq <= 3; seq++)
      request(net, 1, { op: "put", key: "k", value: "v" }, seq, 90 + seq);
    net.deliver((e) => e.to === 1);
    const overloaded = [91, 92, 93].flatMap((c) => replies(net, c));
    expect(overloaded).toEqual([
      expect.objectContaining({ type: "error", code: 12, definite: true }),
    ]);
  });
});

describe("thesis §6.3 client sessions", () => {
  it("a retried write is applied once: the retry gets the first result", () => {
    const net = new TestNet({ ids: [1, 2, 3] });
    net.startAll();
    elect(net, 1);
    request(net, 1, { op: "put", key: "k", value: "a" }, 1);
    net.stabilize();
    const first = request(net, 1, { op: "cas", key: "k", from: "a", to: "b" }, 2);
    const retry = request(net, 1, { op: "cas", key: "k", from: "a", to: "b" }, 2);
    net.stabilize();
    ticks(net, [1], 1);
    const got = replies(net).filter((m) => m.type === "kvOk");
    const result = { op: "cas", ok: true, current: "b" };
    expect(got).toContainEqual({ type: "kvOk", inReplyTo: first, result });
    expect(got).toContainEqual({ type: "kvOk", inReplyTo: retry, result });
    // Applied once: a second application would have found "b" and failed.
    const late = request(net, 1, { op: "cas", key: "k", from: "a", to: "b" }, 2);
    net.stabilize();
    expect(replies(net)).toEqual([{ type: "kvOk", inReplyTo: late, result }]);
  });

  it("a follower redirects to the leader with a definite error", () => {
    const net = new TestNet({ ids: [1, 2, 3] });
    net.startAll();
    elect(net, 1);
    const id = request(net, 2, { op: "get", key: "k" }, 1);
    net.stabilize();
    expect(replies(net)).toEqual([
      { type: "error", inReplyTo: id, code: 11, text: "not the leader", definite: true, leader: 1 },
    ]);
  });
});

describe("thesis §6.4 ReadIndex", () => {
  it("a read is answered only after a quorum confirms the leader in a heartbeat round", () => {
    const net = new TestNet({ ids: [1, 2, 3] });
    net.startAll();
    elect(net, 1);
    request(net, 1, { op: "put", key: "k", value: "v" }, 1);
    net.stabilize();
    replies(net);
    const id = request(net, 1, { op: "get", key: "k" }, 2);
    net.stabilize();
    expect(replies(net)).toEqual([]);
    ticks(net, [1], 1);
    expect(replies(net)).toEqual([
      { type: "kvOk", inReplyTo: id, result: { op: "get", value: "v" } },
    ]);
  });

  it("a deposed leader cut off from the quorum never answers a read", () => {
    const net = new TestNet({ ids: [1, 2, 3], config: { checkQuorum: false, preVote: false } });
    net.startAll();
    elect(net, 1);
    net.partition([[1], [2, 3]]);
    elect(net, 2);
    request(net, 2, { op: "put", key: "k", value: "new" }, 1);
    net.stabilize();
    ticks(net, [2], 1);
    replies(net);
    request(net, 1, { op: "get", key: "k" }, 2, 98);
    ticks(net, [1], 20);
    expect(replies(net, 98)).toEqual([]);
    net.heal();
    ticks(net, [1, 2], 1);
    // n1 learns term 2 and gives the read up with a definite error.
    expect(replies(net, 98)).toEqual([
      expect.objectContaining({ type: "error", code: 11, definite: true }),
    ]);
  });
});

describe("thesis §3.10 leadership transfer", () => {
  it("the target catches up, campaigns at once past the voters' lease, and wins the next term", () => {
    const net = new TestNet({ ids: [1, 2, 3] });
    net.startAll();
    elect(net, 1);
    net.partition([[1, 2], [3]]);
    request(net, 1, { op: "put", key: "k", value: "v" }, 1);
    net.stabilize();
    net.heal();
    expect(net.raft(3)?.inspect().log.length).toBe(1);
    net.raft(1)?.transferLeadership(3);
    // While transferring, the leader refuses writes.
    const refused = request(net, 1, { op: "put", key: "k", value: "w" }, 2, 97);
    net.stabilize();
    expect(replies(net, 97)).toEqual([
      {
        type: "error",
        inReplyTo: refused,
        code: 11,
        text: "leadership transfer in progress",
        definite: true,
        leader: 1,
      },
    ]);
    expect(net.raft(3)?.inspect()).toMatchObject({ role: "leader", term: 2 });
    expect(net.raft(1)?.inspect()).toMatchObject({ role: "follower", term: 2, leader: 3 });
    expect(net.raft(3)?.inspect().log.length).toBe(3);
  });

  it("a transfer to an unreachable node times out and the leader takes writes again", () => {
    const net = new TestNet({ ids: [1, 2, 3] });
    net.startAll();
    elect(net, 1);
    net.partition([[1, 2], [3]]);
    net.raft(1)?.transferLeadership(3);
    ticks(net, [1], net.config.electionTicks);
    const id = request(net, 1, { op: "put", key: "k", value: "v" }, 1);
    net.stabilize();
    ticks(net, [1], 1);
    expect(replies(net)).toContainEqual({ type: "kvOk", inReplyTo: id, result: { op: "put" } });
    expect(net.raft(1)?.inspect()).toMatchObject({ role: "leader", term: 1 });
  });
});

describe("paper §7 log compaction and InstallSnapshot", () => {
  const config = { snapshotEntries: 5 };
  function writes(net: TestNet, count: number, clientId = CLIENT): void {
    for (let seq = 1; seq <= count; seq++) {
      request(net, 1, { op: "put", key: `k${seq % 3}`, value: `${seq}` }, seq, clientId);
      net.stabilize();
    }
    ticks(net, [1], 1);
  }

  it("every node snapshots its state machine and drops the log the snapshot covers", () => {
    const net = new TestNet({ ids: [1, 2, 3], config });
    net.startAll();
    elect(net, 1);
    writes(net, 12);
    for (const v of net.views()) {
      expect(v.snapshotIndex, `n${v.id}`).toBeGreaterThanOrEqual(10);
      expect(v.log.length, `n${v.id}`).toBeLessThan(5);
    }
    expect(net.raft(2)?.kvEntries()).toEqual([
      ["k0", "12"],
      ["k1", "10"],
      ["k2", "11"],
    ]);
  });

  it("a follower that missed compacted entries gets the snapshot, then the entries after it", () => {
    const net = new TestNet({ ids: [1, 2, 3], config });
    net.startAll();
    elect(net, 1);
    net.partition([[1, 2], [3]]);
    writes(net, 12);
    expect(net.raft(3)?.inspect().log.length).toBe(1);
    net.heal();
    request(net, 1, { op: "put", key: "after", value: "x" }, 13);
    net.stabilize();
    ticks(net, [1], 3);
    const installs = net.raft(3)?.inspect();
    expect(installs?.snapshotIndex).toBeGreaterThanOrEqual(10);
    expect(net.raft(3)?.kvEntries()).toEqual(net.raft(1)?.kvEntries());
    expect(net.raft(3)?.kvEntries()).toContainEqual(["after", "x"]);
  });

  it("a node restarts from its snapshot: state restored, commit and apply resume from the snapshot", () => {
    const net = new TestNet({ ids: [1, 2, 3], config });
    net.startAll();
    elect(net, 1);
    writes(net, 12);
    const before = net.raft(2)?.kvEntries();
    net.crash(2);
    net.restart(2);
    const v = net.raft(2)?.inspect();
    expect(v?.commitIndex).toBe(v?.snapshotIndex);
    expect(v?.snapshotIndex).toBeGreaterThanOrEqual(10);
    // The state is the snapshot's (writes 1–9); the entries after it are applied once the leader says they are committed.
    expect(net.raft(2)?.kvEntries()).toEqual([
      ["k0", "9"],
      ["k1", "7"],
      ["k2", "8"],
    ]);
    ticks(net, [1], 1);
    expect(net.raft(2)?.kvEntries()).toEqual(before);
  });

  it("sessions survive a snapshot: a retry after compaction still gets its first result", () => {
    const net = new TestNet({ ids: [1, 2, 3], config });
    net.startAll();
    elect(net, 1);
    request(net, 1, { op: "put", key: "k", value: "a" }, 1, 77);
    net.stabilize();
    request(net, 1, { op: "cas", key: "k", from: "a", to: "b" }, 2, 77);
    net.stabilize();
    writes(net, 12);
    net.crash(1);
    net.restart(1);
    ticks(net, [1, 2, 3], 40);
    const leader = net.leader();
    expect(leader).toBeDefined();
    replies(net, 77);
    const retry = request(net, leader?.id ?? 1, { op: "cas", key: "k", from: "a", to: "b" }, 2, 77);
    net.stabilize();
    expect(replies(net, 77)).toEqual([
      { type: "kvOk", inReplyTo: retry, result: { op: "cas", ok: true, current: "b" } },
    ]);
  });
});

describe("InstallSnapshot in chunks", () => {
  it("a snapshot larger than a chunk arrives in order, chunk by chunk, and survives a lost chunk", () => {
    const net = new TestNet({
      ids: [1, 2, 3],
      config: { snapshotEntries: 5, snapshotChunkPairs: 3 },
    });
    net.startAll();
    elect(net, 1);
    net.partition([[1, 2], [3]]);
    for (let seq = 1; seq <= 12; seq++) {
      request(net, 1, { op: "put", key: `key${seq}`, value: `${seq}` }, seq);
      net.stabilize();
    }
    net.heal();
    // n3's pipelined appends were lost: after replicateStallTicks the leader probes it, n3
    // rejects, and the leader, having compacted what n3 lacks, starts sending its snapshot.
    net.tick(1, net.config.replicateStallTicks);
    let chunks = 0;
    let dropped = false;
    for (let round = 0; round < 50 && net.queue.length > 0; round++) {
      for (const e of net.queue) if (e.msg.type === "installSnapshot") chunks++;
      if (!dropped && net.queue.some((e) => e.msg.type === "installSnapshot" && e.msg.offset > 0)) {
        net.drop((e) => e.msg.type === "installSnapshot");
        dropped = true;
        net.tick(1); // the answer to the next heartbeat resends from the offset n3 expects
        continue;
      }
      net.deliver();
    }
    expect(dropped).toBe(true);
    expect(chunks).toBeGreaterThanOrEqual(4);
    ticks(net, [1], 1);
    expect(net.raft(3)?.kvEntries()).toEqual(net.raft(1)?.kvEntries());
    expect(net.raft(3)?.inspect().snapshotIndex).toBeGreaterThanOrEqual(10);
  });
});

describe("thesis §6.4.1 lease reads (clock-drift bound stated in the config)", () => {
  it("with a lease a read is answered at once; without one it waits for a heartbeat round", () => {
    for (const leaseReads of [true, false]) {
      const net = new TestNet({ ids: [1, 2, 3], config: { leaseReads } });
      net.startAll();
      elect(net, 1);
      request(net, 1, { op: "put", key: "k", value: "v" }, 1);
      net.stabilize();
      ticks(net, [1], 1); // a heartbeat round acknowledged by both followers
      replies(net);
      const id = request(net, 1, { op: "get", key: "k" }, 2);
      net.deliver((e) => e.to === 1);
      const answered = replies(net).some((m) => m.type === "kvOk" && m.inReplyTo === id);
      expect(answered, `leaseReads=${leaseReads}`).toBe(leaseReads);
    }
  });

  it("the lease ends before any voter could grant a vote: (electionTicks − 2) ticks shrunk by the drift bound", () => {
    const net = new TestNet({ ids: [1, 2, 3], config: { leaseReads: true, clockDriftMax: 0.1 } });
    net.startAll();
    elect(net, 1);
    ticks(net, [1], 1);
    net.partition([[1], [2, 3]]);
    // 8 ticks · 10 ms · 0.9 / 1.1 ≈ 65 ms: still held after 6 ticks, gone after 7.
    net.tick(1, 6);
    const held = request(net, 1, { op: "get", key: "k" }, 1);
    net.deliver((e) => e.to === 1);
    expect(replies(net).some((m) => m.type === "kvOk" && m.inReplyTo === held)).toBe(true);
    net.tick(1, 1);
    const lapsed = request(net, 1, { op: "get", key: "k" }, 2);
    net.deliver((e) => e.to === 1);
    expect(replies(net).some((m) => m.type === "kvOk" && m.inReplyTo === lapsed)).toBe(false);
  });

  it("a leader that sent TimeoutNow reads no more from its lease", () => {
    const net = new TestNet({ ids: [1, 2, 3], config: { leaseReads: true } });
    net.startAll();
    elect(net, 1);
    ticks(net, [1], 1);
    net.raft(1)?.transferLeadership(2);
    net.drop(); // the TimeoutNow is lost; n1 still leads
    const id = request(net, 1, { op: "get", key: "k" }, 1);
    net.deliver((e) => e.to === 1);
    expect(replies(net).some((m) => m.type === "kvOk" && m.inReplyTo === id)).toBe(false);
  });

  it("the config refuses lease reads without check-quorum", () => {
    const config = { ...RAFT_DEFAULTS, leaseReads: true, checkQuorum: false };
    expect(checkRaftConfig(config)).toBe(
      "leaseReads: needs checkQuorum (voters must honour the leader's lease)",
    );
    expect(() => new TestNet({ ids: [1], config })).toThrow(/leaseReads: needs checkQuorum/);
  });
});

describe("learners (thesis §4.2.1): non-voting members", () => {
  it("a learner receives and applies the log but counts toward no quorum", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4], learners: [4] });
    net.startAll();
    elect(net, 1);
    request(net, 1, { op: "put", key: "k", value: "v" }, 1);
    net.stabilize();
    ticks(net, [1], 1);
    expect(net.raft(4)?.kvEntries()).toEqual([["k", "v"]]);
    // With two of three voters down, the learner's acknowledgement does not make a quorum.
    net.crash(2);
    net.crash(3);
    const before = net.raft(1)?.inspect().commitIndex;
    request(net, 1, { op: "put", key: "k", value: "w" }, 2);
    net.stabilize();
    expect(net.raft(4)?.inspect().log.length).toBe(3);
    expect(net.raft(1)?.inspect().commitIndex).toBe(before);
  });

  it("a learner never campaigns and a leader never hands it leadership", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4], learners: [4] });
    net.startAll();
    elect(net, 1);
    net.partition([[1, 2, 3], [4]]);
    ticks(net, [4], 100);
    expect(net.raft(4)?.inspect()).toMatchObject({ role: "follower", term: 1 });
    net.heal();
    net.raft(1)?.transferLeadership(4);
    net.stabilize();
    expect(net.raft(1)?.inspect()).toMatchObject({ role: "leader", term: 1 });
  });
});
