import { describe, expect, it } from "vitest";
import type { NodeId } from "../core/ids.js";
import type { KvOp } from "./kv.js";
import { applyChange, type MembershipChange } from "./membership.js";
import { ERROR, type RaftMessage } from "./messages.js";
import { type Envelope, TestNet } from "./testing/net.js";

/** Thesis ch. 4: single-server membership changes, learners and their promotion, removing the leader. */

const ADMIN = 98;
const CLIENT = 99;
let msgId = 5000;

function change(net: TestNet, to: NodeId, c: MembershipChange): number {
  msgId++;
  net.inject(ADMIN, to, { type: "membership", msgId, change: c });
  return msgId;
}

function put(net: TestNet, to: NodeId, key: string, value: string, seq: number): void {
  msgId++;
  const op: KvOp = { op: "put", key, value };
  net.inject(CLIENT, to, { type: "kv", msgId, clientId: CLIENT, seq, op });
}

function replies(net: TestNet, who = ADMIN): RaftMessage[] {
  return net.takeOutside(who).map((e) => e.msg);
}

function elect(net: TestNet, id: NodeId): void {
  net.campaign(id);
  net.stabilize();
  expect(net.raft(id)?.inspect().role).toBe("leader");
}

const ticks = (net: TestNet, ids: readonly NodeId[], n: number) => {
  for (let i = 0; i < n; i++) {
    for (const id of ids) if (net.isUp(id)) net.tick(id);
    net.stabilize();
  }
};

/** Runs a change to commit and returns the configuration it made (and its index in `lastIndex`). */
let lastIndex = 0;
function commitChange(net: TestNet, leader: NodeId, c: MembershipChange) {
  change(net, leader, c);
  net.stabilize();
  const [reply] = replies(net);
  expect(reply).toMatchObject({ type: "membershipOk" });
  lastIndex = reply?.type === "membershipOk" ? reply.index : 0;
  return reply?.type === "membershipOk" ? reply.membership : undefined;
}

/** Delivers the messages matching `filter`, and those their delivery queues, until none is left. */
function deliverAll(net: TestNet, filter: (e: Envelope) => boolean): void {
  for (let round = 0; round < 20 && net.deliver(filter) > 0; round++);
}

describe("the change rules, pure", () => {
  it("adds a learner, promotes it, removes; refuses what does not apply", () => {
    const m = { voters: [1, 2, 3], learners: [] };
    const withLearner = applyChange(m, { op: "addLearner", node: 4 });
    expect(withLearner).toEqual({ voters: [1, 2, 3], learners: [4] });
    if (typeof withLearner === "string") return;
    expect(applyChange(withLearner, { op: "promote", node: 4 })).toEqual({
      voters: [1, 2, 3, 4],
      learners: [],
    });
    expect(applyChange(m, { op: "promote", node: 4 })).toBe("n4 is not a learner");
    expect(applyChange(m, { op: "addLearner", node: 2 })).toBe("n2 is already a voter");
    expect(applyChange(m, { op: "remove", node: 7 })).toBe("n7 is not a member");
    expect(applyChange({ voters: [1], learners: [] }, { op: "remove", node: 1 })).toBe(
      "n1 is the last voter",
    );
  });
});

describe("thesis §4.2: single-server changes", () => {
  it("a learner is added, catches up, is promoted, and then counts toward the quorum", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4], members: [1, 2, 3] });
    net.startAll();
    elect(net, 1);
    put(net, 1, "k", "v", 1);
    net.stabilize();
    // n4 is a spare: it never campaigns and has no log yet.
    expect(net.raft(4)?.inspect().log.length).toBe(0);
    expect(commitChange(net, 1, { op: "addLearner", node: 4 })).toEqual({
      voters: [1, 2, 3],
      learners: [4],
    });
    ticks(net, [1], 1);
    expect(net.raft(4)?.kvEntries()).toEqual([["k", "v"]]);
    expect(commitChange(net, 1, { op: "promote", node: 4 })).toEqual({
      voters: [1, 2, 3, 4],
      learners: [],
    });
    // Four voters: a quorum is three. With n2 and n3 down, nothing commits.
    net.crash(2);
    net.crash(3);
    const before = net.raft(1)?.inspect().commitIndex ?? 0;
    put(net, 1, "k", "w", 2);
    net.stabilize();
    expect(net.raft(1)?.inspect().commitIndex).toBe(before);
    net.restart(2);
    ticks(net, [1, 2], 5);
    expect(net.raft(1)?.inspect().commitIndex).toBeGreaterThan(before);
  });

  it("a spare (a server outside the configuration) never campaigns and waits to be added", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4], members: [1, 2, 3] });
    net.startAll();
    net.partition([[1, 2, 3], [4]]);
    ticks(net, [1, 2, 3, 4], 60);
    expect(net.raft(4)?.inspect()).toMatchObject({ role: "follower", term: 0, vote: null });
    expect(net.leader()?.id).toBeDefined();
  });

  it("a configuration takes effect when appended, before it commits, on leader and follower", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4], members: [1, 2, 3] });
    net.startAll();
    elect(net, 1);
    change(net, 1, { op: "addLearner", node: 4 });
    net.deliver((e) => e.to === 1);
    net.deliver((e) => e.from === 1 && e.to === 2 && e.msg.type === "appendEntries");
    const commit = net.raft(2)?.inspect().commitIndex ?? 0;
    for (const id of [1, 2]) {
      const v = net.raft(id)?.inspect();
      expect(v?.membership).toEqual({ voters: [1, 2, 3], learners: [4] });
      expect(v?.membershipIndex).toBeGreaterThan(commit);
    }
    // The leader already replicates to the new learner.
    expect(net.queue.some((e) => e.from === 1 && e.to === 4)).toBe(true);
  });

  it("only one change at a time: a second is refused while the first is uncommitted", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4, 5], members: [1, 2, 3] });
    net.startAll();
    elect(net, 1);
    change(net, 1, { op: "addLearner", node: 4 });
    net.deliver((e) => e.to === 1);
    change(net, 1, { op: "addLearner", node: 5 });
    net.deliver((e) => e.to === 1);
    const [second] = replies(net);
    expect(second).toMatchObject({ type: "error", code: ERROR.busy, definite: true });
    expect(second?.type === "error" && second.text).toMatch(/uncommitted/);
    net.stabilize();
    expect(replies(net)).toMatchObject([{ type: "membershipOk" }]);
    // Once the first committed, the next one goes through.
    expect(commitChange(net, 1, { op: "addLearner", node: 5 })).toEqual({
      voters: [1, 2, 3],
      learners: [4, 5],
    });
  });

  it("the planted bug lets two uncommitted changes into the log", () => {
    const net = new TestNet({
      ids: [1, 2, 3, 4, 5],
      members: [1, 2, 3],
      config: { unsafeConcurrentChanges: true },
    });
    net.startAll();
    elect(net, 1);
    change(net, 1, { op: "addLearner", node: 4 });
    change(net, 1, { op: "addLearner", node: 5 });
    net.deliver((e) => e.to === 1);
    expect(replies(net)).toEqual([]);
    expect(net.raft(1)?.inspect().membership).toEqual({ voters: [1, 2, 3], learners: [4, 5] });
  });

  it("the thesis' fix: a new leader starts no change before it commits an entry of its term", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4], members: [1, 2, 3] });
    net.startAll();
    net.campaign(1);
    // Votes arrive, the no-op goes out, but no acknowledgement comes back yet.
    deliverAll(net, (e) => e.msg.type !== "appendEntries" && e.msg.type !== "heartbeat");
    expect(net.raft(1)?.inspect().role).toBe("leader");
    change(net, 1, { op: "addLearner", node: 4 });
    net.deliver((e) => e.to === 1 && e.from === ADMIN);
    const [refused] = replies(net);
    expect(refused).toMatchObject({ type: "error", code: ERROR.busy });
    expect(refused?.type === "error" && refused.text).toMatch(/not committed in its term/);
    net.stabilize();
    expect(commitChange(net, 1, { op: "addLearner", node: 4 })?.learners).toEqual([4]);
  });

  it("a learner is promoted only once it has caught up", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4], members: [1, 2, 3] });
    net.startAll();
    elect(net, 1);
    commitChange(net, 1, { op: "addLearner", node: 4 });
    net.partition([[1, 2, 3, 98, 99], [4]]);
    for (let seq = 1; seq <= 40; seq++) put(net, 1, "k", `v${seq}`, seq);
    net.stabilize();
    change(net, 1, { op: "promote", node: 4 });
    net.stabilize();
    const [refused] = replies(net);
    expect(refused).toMatchObject({ type: "error", code: ERROR.busy });
    expect(refused?.type === "error" && refused.text).toMatch(/n4 has not caught up/);
    net.heal();
    ticks(net, [1], 3);
    expect(commitChange(net, 1, { op: "promote", node: 4 })?.voters).toEqual([1, 2, 3, 4]);
  });

  it("a follower redirects an administrator to the leader; a retried change is answered once it is done", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4], members: [1, 2, 3] });
    net.startAll();
    elect(net, 1);
    change(net, 2, { op: "addLearner", node: 4 });
    net.stabilize();
    expect(replies(net)).toMatchObject([
      { type: "error", code: ERROR.notLeader, definite: true, leader: 1 },
    ]);
    const m = commitChange(net, 1, { op: "addLearner", node: 4 });
    expect(commitChange(net, 1, { op: "addLearner", node: 4 })).toEqual(m);
    change(net, 1, { op: "addLearner", node: 2 });
    net.stabilize();
    expect(replies(net)).toMatchObject([
      { type: "error", code: ERROR.malformed, text: "addLearner: n2 is already a voter" },
    ]);
  });

  it("a configuration cut from the log gives way to the one before it", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4, 5, 6], members: [1, 2, 3, 4, 5] });
    net.startAll();
    elect(net, 1);
    change(net, 1, { op: "addLearner", node: 6 });
    net.deliver((e) => e.to === 1);
    net.deliver((e) => e.from === 1 && e.to === 2 && e.msg.type === "appendEntries");
    expect(net.raft(2)?.inspect().membership.learners).toEqual([6]);
    net.crash(1);
    net.queue = [];
    // n2 alone holds the entry; the others elect a leader without it, which overwrites it.
    net.partition([[2], [3, 4, 5]]);
    ticks(net, [3, 4, 5], 40);
    const leader = net.leader()?.id ?? 0;
    expect([3, 4, 5]).toContain(leader);
    net.heal();
    ticks(net, [leader], 4);
    expect(net.raft(2)?.inspect().membership).toEqual({ voters: [1, 2, 3, 4, 5], learners: [] });
  });
});

describe("thesis §4.2.1: learners never count as voters", () => {
  it("a candidate asks only voters and counts no learner's grant", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4], learners: [4] });
    net.startAll();
    net.crash(2);
    net.crash(3);
    net.campaign(1);
    expect(net.queue.filter((e) => e.to === 4)).toEqual([]);
    net.inject(4, 1, { type: "preVoteOk", term: 1, granted: true });
    net.deliver();
    expect(net.raft(1)?.inspect()).toMatchObject({ role: "preCandidate", term: 0 });
    ticks(net, [4], 60);
    expect(net.raft(4)?.inspect()).toMatchObject({ role: "follower", term: 0 });
  });

  it("a learner promoted without knowing it yet answers the vote the new configuration needs", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4], learners: [4] });
    net.startAll();
    elect(net, 1);
    ticks(net, [1], 2);
    net.cutLink(1, 4);
    expect(commitChange(net, 1, { op: "promote", node: 4 })?.voters).toEqual([1, 2, 3, 4]);
    expect(net.raft(4)?.inspect().membership.learners).toEqual([4]);
    // n1 fails; n2 needs three of {1,2,3,4}: itself, n3 and n4, which still thinks it is a learner.
    net.crash(1);
    net.heal();
    ticks(net, [2, 3, 4], 40);
    expect([2, 3]).toContain(net.leader()?.id);
    expect(net.raft(4)?.inspect().role).toBe("follower");
  });
});

describe("thesis §4.2.2: removing the leader", () => {
  it("the leader does not count itself while its removal is uncommitted, then steps down and hands off", () => {
    const net = new TestNet({ ids: [1, 2, 3] });
    net.startAll();
    elect(net, 1);
    net.partition([[1, 2, 98], [3]]);
    change(net, 1, { op: "remove", node: 1 });
    net.stabilize();
    // {2,3} needs both: n2's acknowledgement alone commits nothing, though n1 and n2 are a majority of {1,2,3}.
    const v = net.raft(1)?.inspect();
    expect(v?.role).toBe("leader");
    expect(v?.commitIndex).toBeLessThan(v?.membershipIndex ?? 0);
    expect(replies(net)).toEqual([]);
    net.heal();
    ticks(net, [1], 3);
    expect(replies(net)).toMatchObject([
      { type: "membershipOk", membership: { voters: [2, 3], learners: [] } },
    ]);
    expect(net.raft(1)?.inspect().role).toBe("follower");
    net.stabilize();
    const leader = net.leader();
    expect([2, 3]).toContain(leader?.id);
    // The removed server never campaigns again.
    const term = net.raft(1)?.inspect().term ?? 0;
    net.partition([[1], [2, 3]]);
    ticks(net, [1], 100);
    expect(net.raft(1)?.inspect()).toMatchObject({ role: "follower", term });
  });
});

describe("thesis §4.2.3: a removed server does not disrupt the cluster", () => {
  it("a removed server gets the entry that removes it, then nothing more, and never campaigns", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4] });
    net.startAll();
    elect(net, 1);
    expect(commitChange(net, 1, { op: "remove", node: 4 })?.voters).toEqual([1, 2, 3]);
    expect(net.raft(4)?.inspect().membership).toEqual({ voters: [1, 2, 3], learners: [] });
    ticks(net, [1], 2);
    const held = net.raft(4)?.inspect().log.length;
    put(net, 1, "k", "v", 1);
    ticks(net, [1], 2);
    expect(net.raft(2)?.inspect().log.length).toBe((held ?? 0) + 1);
    expect(net.raft(4)?.inspect().log.length).toBe(held);
    const term = net.raft(4)?.inspect().term;
    ticks(net, [1, 2, 3, 4], 60);
    expect(net.raft(4)?.inspect()).toMatchObject({ role: "follower", term, leader: null });
    expect(net.raft(1)?.inspect()).toMatchObject({ role: "leader", term: 1 });
  });

  it("one cut off before it learned of its removal pre-votes in vain and deposes nobody", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4] });
    net.startAll();
    elect(net, 1);
    net.partition([[1, 2, 3, 98], [4]]);
    expect(commitChange(net, 1, { op: "remove", node: 4 })?.voters).toEqual([1, 2, 3]);
    ticks(net, [1, 2, 3, 4], 60);
    expect(net.raft(4)?.inspect().term).toBe(1);
    net.heal();
    ticks(net, [1, 2, 3, 4], 60);
    expect(net.raft(1)?.inspect()).toMatchObject({ role: "leader", term: 1 });
  });
});

describe("thesis §4.2.3: the rule that keeps a removed server from deposing the leader", () => {
  it("without pre-vote its campaigns raise its own term only: voters that hear a leader ignore them", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4], config: { preVote: false } });
    net.startAll();
    elect(net, 1);
    net.partition([[1, 2, 3, 98], [4]]);
    expect(commitChange(net, 1, { op: "remove", node: 4 })?.voters).toEqual([1, 2, 3]);
    ticks(net, [1, 2, 3, 4], 40);
    expect(net.raft(4)?.inspect().term).toBeGreaterThan(1);
    net.heal();
    ticks(net, [1, 2, 3, 4], 60);
    // n4 still campaigns (it never learned it was removed) but nobody's term moved.
    expect(net.raft(4)?.inspect().term).toBeGreaterThan(2);
    for (const id of [1, 2, 3]) expect(net.raft(id)?.inspect().term).toBe(1);
    expect(net.raft(1)?.inspect().role).toBe("leader");
  });
});

describe("thesis §4.4: the configuration is recovered from the log and the snapshot", () => {
  it("after a restart, from the log", () => {
    const net = new TestNet({ ids: [1, 2, 3, 4], members: [1, 2, 3] });
    net.startAll();
    elect(net, 1);
    commitChange(net, 1, { op: "addLearner", node: 4 });
    commitChange(net, 1, { op: "remove", node: 3 });
    for (const id of [2, 4]) {
      net.crash(id);
      net.restart(id);
      expect(net.raft(id)?.inspect().membership).toEqual({ voters: [1, 2], learners: [4] });
    }
  });

  it("after compaction and a restart, from the snapshot; a learner added later gets it by InstallSnapshot", () => {
    const net = new TestNet({
      ids: [1, 2, 3, 4, 5],
      members: [1, 2, 3],
      config: { snapshotEntries: 5, snapshotChunkPairs: 2 },
    });
    net.startAll();
    elect(net, 1);
    commitChange(net, 1, { op: "addLearner", node: 4 });
    ticks(net, [1], 2);
    commitChange(net, 1, { op: "promote", node: 4 });
    const promotedAt = lastIndex;
    for (let seq = 1; seq <= 12; seq++) {
      put(net, 1, `k${seq % 5}`, `v${seq}`, seq);
      net.stabilize();
    }
    ticks(net, [1], 2);
    const expected = { voters: [1, 2, 3, 4], learners: [] };
    for (const id of [1, 2, 4]) {
      const v = net.raft(id)?.inspect();
      expect(v?.snapshotIndex).toBeGreaterThan(promotedAt);
      net.crash(id);
      net.restart(id);
      expect(net.raft(id)?.inspect().membership).toEqual(expected);
      expect(
        net
          .raft(id)
          ?.inspect()
          .log.some((e) => e.data !== null && "membership" in e.data),
      ).toBe(false);
    }
    ticks(net, [1, 2, 3, 4], 30);
    const leader = net.leader()?.id ?? 1;
    commitChange(net, leader, { op: "addLearner", node: 5 });
    ticks(net, [leader], 3);
    const v5 = net.raft(5)?.inspect();
    expect(v5?.snapshotIndex).toBeGreaterThan(0);
    expect(v5?.membership).toEqual({ voters: [1, 2, 3, 4], learners: [5] });
    expect(net.raft(5)?.kvEntries()).toEqual(net.raft(leader)?.kvEntries());
  });
});
