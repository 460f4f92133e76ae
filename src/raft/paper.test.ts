import { describe, expect, it } from "vitest";
import type { NodeId } from "../core/ids.js";
import type { KvOp } from "./kv.js";
import { type Envelope, TestNet } from "./testing/net.js";

/**
 * The Raft paper (Ongaro & Ousterhout, extended version), property by
 * property, each test named by its section. Logs are set up from the paper's
 * figures with `preload`; every step also runs the cross-node invariant checks.
 */

const CLIENT = 99;
let msgId = 0;

function request(net: TestNet, to: NodeId, op: KvOp, seq: number, clientId = CLIENT): number {
  msgId++;
  net.inject(clientId, to, { type: "kv", msgId, clientId, seq, op });
  return msgId;
}

const between = (from: NodeId, to: NodeId) => (e: Envelope) => e.from === from && e.to === to;
const to = (id: NodeId) => (e: Envelope) => e.to === id;
const from = (id: NodeId) => (e: Envelope) => e.from === id;

function termsOf(net: TestNet, id: NodeId): number[] {
  return (net.raft(id)?.inspect().log ?? []).map((e) => e.term);
}

describe("§5.1 terms", () => {
  it("a node that sees a higher term adopts it and a stale leader steps down", () => {
    const net = new TestNet({ ids: [1, 2, 3], config: { preVote: false, checkQuorum: false } });
    net.startAll();
    net.campaign(1);
    net.stabilize();
    net.partition([[1], [2, 3]]);
    net.campaign(2);
    net.stabilize();
    expect(net.raft(2)?.inspect()).toMatchObject({ role: "leader", term: 2 });
    expect(net.raft(1)?.inspect()).toMatchObject({ role: "leader", term: 1 });
    net.heal();
    net.tick(1); // n1 heartbeats in term 1; n2 and n3 answer with term 2
    net.stabilize();
    expect(net.raft(1)?.inspect()).toMatchObject({ role: "follower", term: 2 });
  });
});

describe("§5.2 leader election", () => {
  it("a node grants at most one vote per term, and remembers it across a crash", () => {
    const net = new TestNet({ ids: [1, 2, 3], config: { preVote: false, checkQuorum: false } });
    net.startAll();
    net.campaign(1);
    net.deliver(between(1, 3)); // n3 votes for n1 in term 1
    net.drop();
    net.crash(3);
    net.restart(3);
    expect(net.raft(3)?.inspect()).toMatchObject({ term: 1, vote: 1 });
    // n2 campaigns in term 1 too (its term was 0): n3 must refuse.
    net.campaign(2);
    net.deliver(between(2, 3));
    const answer = net.queue.find(between(3, 2))?.msg;
    expect(answer).toMatchObject({ type: "requestVoteOk", granted: false });
  });

  it("split votes resolve: randomized timeouts elect one leader, over many seeds", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const net = new TestNet({ ids: [1, 2, 3, 4, 5], seed });
      net.startAll();
      for (let ms = 0; ms < 2000 && net.leader() === undefined; ms++) {
        net.advanceAll(1);
        net.stabilize();
      }
      expect(
        net.views().filter((v) => v.role === "leader"),
        `seed ${seed}`,
      ).toHaveLength(1);
    }
  });
});

describe("§5.3 log replication", () => {
  // Figure 7: the leader of term 8 and followers (a)–(f), by entry terms.
  const LEADER = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const FOLLOWERS: Record<string, number[]> = {
    a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
    b: [1, 1, 1, 4],
    c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    e: [1, 1, 1, 4, 4, 4, 4],
    f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
  };

  it("Figure 7: the leader brings every follower's log to its own, and its own log only grows", () => {
    const net = new TestNet({
      ids: [1, 2, 3, 4, 5, 6, 7],
      config: { preVote: false, checkQuorum: false },
    });
    net.preload(1, 7, null, LEADER);
    for (const [i, terms] of Object.values(FOLLOWERS).entries()) net.preload(i + 2, 7, null, terms);
    net.startAll();
    net.campaign(1);
    net.stabilize();
    expect(net.raft(1)?.inspect()).toMatchObject({ role: "leader", term: 8 });
    const expected = [...LEADER, 8];
    for (const id of net.ids) expect(termsOf(net, id), `n${id}`).toEqual(expected);
    expect(net.raft(1)?.inspect().commitIndex).toBe(11);
  });

  it("Figure 7 (f): conflict hints skip a whole term per round trip", () => {
    const net = new TestNet({ ids: [1, 2, 3], config: { preVote: false, checkQuorum: false } });
    net.preload(1, 7, null, LEADER);
    net.preload(2, 7, null, LEADER);
    net.preload(3, 7, null, FOLLOWERS.f as number[]);
    net.startAll();
    net.campaign(1);
    net.deliver(); // votes requested
    net.deliver(); // votes granted; n1 leads term 8 and probes
    let rejections = 0;
    for (let round = 0; round < 20 && net.queue.length > 0; round++) {
      for (const e of net.queue) {
        if (e.msg.type === "appendEntriesOk" && !e.msg.success && e.from === 3) rejections++;
      }
      net.deliver();
    }
    expect(termsOf(net, 3)).toEqual([...LEADER, 8]);
    // f conflicts in terms 3 and 2: one rejection each, not one per entry (7).
    expect(rejections).toBe(2);
  });

  it("§5.3 AppendEntries is idempotent: a duplicate changes nothing", () => {
    const net = new TestNet({ ids: [1, 2, 3] });
    net.startAll();
    net.campaign(1);
    net.stabilize();
    request(net, 1, { op: "put", key: "x", value: "1" }, 1);
    net.deliver(); // the request
    const appends = net.queue.filter((e) => e.msg.type === "appendEntries");
    net.stabilize();
    const before = net.views();
    for (const e of appends) net.deliverOne(e);
    net.stabilize();
    net.tick(1); // a heartbeat tells the followers the commit index
    net.stabilize();
    expect(net.views().map((v) => v.log.length)).toEqual(before.map((v) => v.log.length));
    expect(net.raft(2)?.kvEntries()).toEqual([["x", "1"]]);
  });
});

describe("§5.4.1 election restriction", () => {
  it("Figure 7: voters refuse a candidate whose log is less up to date", () => {
    // Candidate with (a)'s log; (d) holds term 7, (c) holds a longer term-6 log.
    const net = new TestNet({ ids: [1, 2, 3], config: { preVote: false, checkQuorum: false } });
    net.preload(1, 7, null, [1, 1, 1, 4, 4, 5, 5, 6, 6]);
    net.preload(2, 7, null, [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7]);
    net.preload(3, 7, null, [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6]);
    net.startAll();
    net.campaign(1);
    net.deliver();
    const answers = net.queue.filter(to(1)).map((e) => e.msg);
    expect(answers).toEqual([
      { type: "requestVoteOk", term: 8, granted: false },
      { type: "requestVoteOk", term: 8, granted: false },
    ]);
    net.stabilize();
    expect(net.raft(1)?.inspect().role).not.toBe("leader");
  });
});

describe("§5.4.2 committing entries from previous terms (Figure 8)", () => {
  /**
   * Figure 8 with 5 nodes, index 2 as the contested slot. Every leader first
   * appends a no-op, so "S1 replicates its term-2 entry" is S1's term-2 no-op.
   * Each AppendEntries carries one entry so n3 can acknowledge index 2 alone.
   */
  function figure8(unsafe: boolean): TestNet {
    const net = new TestNet({
      ids: [1, 2, 3, 4, 5],
      config: {
        preVote: false,
        checkQuorum: false,
        appendEntriesMax: 1,
        unsafeCommitEarlierTerms: unsafe,
      },
    });
    net.startAll();
    // Term 1: n1 leads; index 1 (term 1) is committed everywhere.
    net.campaign(1);
    net.stabilize();
    expect(termsOf(net, 5)).toEqual([1]);
    // (a) n1 leads term 2 and replicates index 2 (term 2) to n2 only.
    net.crash(1);
    net.restart(1);
    net.campaign(1);
    net.deliver();
    net.deliver();
    expect(net.raft(1)?.inspect()).toMatchObject({ role: "leader", term: 2 });
    net.deliver(between(1, 2));
    net.drop();
    expect(termsOf(net, 2)).toEqual([1, 2]);
    // (b) n1 crashes; n5 leads term 3 with votes of n3, n4 and appends index 2 (term 3), unreplicated.
    net.crash(1);
    net.campaign(5);
    net.deliver(from(5));
    net.deliver(to(5));
    expect(net.raft(5)?.inspect()).toMatchObject({ role: "leader", term: 3 });
    expect(termsOf(net, 5)).toEqual([1, 3]);
    net.drop();
    // (c) n5 crashes; n1 restarts, leads term 4 (votes of n2, n3), replicates index 2 (term 2) to n3.
    net.crash(5);
    net.restart(1);
    net.campaign(1); // term 3: n3 and n4 already voted in term 3
    net.stabilize();
    net.campaign(1); // term 4
    net.deliver();
    net.deliver();
    expect(net.raft(1)?.inspect()).toMatchObject({ role: "leader", term: 4 });
    expect(termsOf(net, 1)).toEqual([1, 2, 4]);
    // n1's probes: n2 is sent index 3 (term 4); n3 and n4 reject, then are sent index 2 only.
    net.deliver(between(1, 2));
    net.deliver(between(1, 3));
    net.drop(between(1, 4));
    net.deliver(to(1)); // n2 acks 3; n3 rejects with hints → n1 sends it index 2
    net.deliver(between(1, 3)); // n3 stores index 2 (term 2)
    net.drop(from(1));
    net.deliver(to(1)); // n3 acks index 2: it is now on n1, n2, n3 — a majority
    expect(termsOf(net, 3)).toEqual([1, 2]);
    return net;
  }

  it("the correct rule does not commit the term-2 entry though a majority holds it", () => {
    const net = figure8(false);
    // n1 restarted, so its commit index starts from 0 and may not rise until a term-4 entry is on a majority.
    expect(net.raft(1)?.inspect().commitIndex).toBe(0);
    // (d) n1 crashes; n5 may win term 5 (votes of n3, n4) and overwrite index 2: allowed, it was never committed.
    net.drop();
    net.crash(1);
    net.restart(5);
    net.campaign(5); // term 4: n3 and n4 already voted in term 4
    net.stabilize();
    net.campaign(5); // term 5
    net.stabilize();
    expect(net.raft(5)?.inspect()).toMatchObject({ role: "leader", term: 5 });
    expect(termsOf(net, 3)).toEqual([1, 3, 5]);
  });

  it("(e) the correct rule commits index 2 once an entry of the leader's own term reaches a majority", () => {
    const net = figure8(false);
    net.drop();
    net.tick(1); // heartbeat round: n3 and n4 answer, n1 sends them what they lack
    net.stabilize();
    expect(net.raft(1)?.inspect().commitIndex).toBe(3);
  });

  it("the unsafe rule commits index 2 by counting, and the overwrite of (d) is caught as a violation", () => {
    const net = figure8(true);
    expect(net.raft(1)?.inspect().commitIndex).toBe(2);
    net.drop();
    net.crash(1);
    net.restart(5);
    net.campaign(5); // term 4: n3 and n4 already voted in term 4
    net.stabilize();
    net.campaign(5); // term 5
    expect(() => net.stabilize()).toThrow(/leader completeness: n5 leads term 5 without entry 2:2/);
  });
});
