import { describe, expect, it } from "vitest";
import type { NodeId } from "../core/index.js";
import type { ElectedOrderMessage } from "./elected-messages.js";
import { ElectedOrder } from "./elected-order.js";
import type { DataMessage } from "./messages.js";

interface Harness {
  order: ElectedOrder;
  sent: { to: NodeId; msg: ElectedOrderMessage }[];
  delivered: string[];
  established: { ballot: number; length: number; commit: number }[];
  held: DataMessage[];
}

function harness(self: NodeId, n = 5): Harness {
  const h: Harness = {
    order: undefined as unknown as ElectedOrder,
    sent: [],
    delivered: [],
    established: [],
    held: [],
  };
  h.order = new ElectedOrder({
    self,
    cluster: Array.from({ length: n }, (_, i) => i),
    send: (to, msg) => h.sent.push({ to, msg }),
    allData: () => h.held,
    deliver: (m) => h.delivered.push(`${m.origin}.${m.seq}`),
    established: (ballot, length, commit) => h.established.push({ ballot, length, commit }),
    warn: () => {},
  });
  return h;
}

const d = (origin: number, seq: number): DataMessage => ({
  type: "data",
  origin,
  seq,
  body: `${origin}.${seq}`,
  vc: [],
});

const sentOf = <T extends ElectedOrderMessage["type"]>(h: Harness, type: T) =>
  h.sent
    .filter((s) => s.msg.type === type)
    .map((s) => ({ to: s.to, msg: s.msg as Extract<ElectedOrderMessage, { type: T }> }));

describe("ElectedOrder", () => {
  it("a sequencer commits and delivers only once a majority (3 of 5) holds an entry", () => {
    const h = harness(4);
    h.order.onLeader(4);
    const ballot = sentOf(h, "prepare")[0]?.msg.ballot ?? -1;
    expect(ballot % 5, "ballots of n4 are 4 mod 5").toBe(4);
    const promise = (from: number) =>
      h.order.onMessage(from, {
        type: "promise",
        ballot,
        logBallot: 0,
        length: 0,
        commit: 0,
        from: 0,
        entries: [],
      });
    promise(0);
    expect(h.established, "two of five promised").toEqual([]);
    promise(1);
    expect(h.established).toEqual([{ ballot, length: 0, commit: 0 }]);
    h.order.onData(d(2, 1));
    expect(h.delivered).toEqual([]);
    h.order.onMessage(0, { type: "accepted", ballot, length: 1 });
    expect(h.delivered, "the sequencer and n0 hold it: two of five").toEqual([]);
    h.order.onMessage(1, { type: "accepted", ballot, length: 1 });
    expect(h.delivered).toEqual(["2.1"]);
    // An answer of an older ballot counts for nothing.
    h.order.onData(d(2, 2));
    h.order.onMessage(0, { type: "accepted", ballot: ballot - 5, length: 2 });
    h.order.onMessage(1, { type: "accepted", ballot: ballot - 5, length: 2 });
    expect(h.delivered).toEqual(["2.1"]);
  });

  it("recovery keeps the sequencer's committed prefix and takes the answer with the highest (log ballot, length)", () => {
    const h = harness(3);
    h.order.onLeader(3);
    const ballot = sentOf(h, "prepare")[0]?.msg.ballot ?? -1;
    const promise = (from: number, logBallot: number, entries: DataMessage[]) =>
      h.order.onMessage(from, {
        type: "promise",
        ballot,
        logBallot,
        length: entries.length,
        commit: 0,
        from: 0,
        entries,
      });
    // n0 was written by ballot 4 (longer log), n1 by ballot 9 (shorter): ballot 9 wins.
    promise(0, 4, [d(0, 1), d(0, 2), d(0, 3)]);
    promise(1, 9, [d(1, 1), d(0, 1)]);
    expect(h.established).toEqual([{ ballot, length: 2, commit: 0 }]);
    const appends = sentOf(h, "append");
    expect(appends.map((a) => a.to).sort()).toEqual([0, 1]);
    expect(appends[0]?.msg.entries.map((e) => `${e.origin}.${e.seq}`)).toEqual(["1.1", "0.1"]);
    // Recovered entries commit only once a majority holds them in the new ballot.
    h.order.onMessage(0, { type: "accepted", ballot, length: 2 });
    expect(h.delivered).toEqual([]);
    h.order.onMessage(1, { type: "accepted", ballot, length: 2 });
    expect(h.delivered).toEqual(["1.1", "0.1"]);
  });

  it("a follower refuses an older ballot, and takes a newer sequencer's whole log over its uncommitted tail", () => {
    const h = harness(1);
    h.order.onMessage(4, { type: "prepare", ballot: 9, commit: 0 });
    expect(sentOf(h, "promise")[0]?.msg.ballot).toBe(9);
    h.order.onMessage(4, {
      type: "append",
      ballot: 9,
      from: 0,
      entries: [d(4, 1), d(4, 2)],
      commit: 1,
    });
    expect(h.delivered).toEqual(["4.1"]);
    h.order.onMessage(3, { type: "prepare", ballot: 8, commit: 0 });
    expect(sentOf(h, "reject")).toEqual([
      { to: 3, msg: { type: "reject", ballot: 8, promised: 9 } },
    ]);
    // Ballot 13 recovered a log where position 2 holds another message: 4.2 was never committed.
    h.order.onMessage(3, {
      type: "append",
      ballot: 13,
      from: 1,
      entries: [d(3, 1), d(4, 2)],
      commit: 3,
    });
    expect(h.delivered).toEqual(["4.1", "3.1", "4.2"]);
    // A gap: nothing taken, the follower says how far it agrees.
    h.sent.length = 0;
    h.order.onMessage(3, { type: "append", ballot: 13, from: 9, entries: [d(2, 1)], commit: 3 });
    expect(sentOf(h, "accepted")).toEqual([
      { to: 3, msg: { type: "accepted", ballot: 13, length: 3 } },
    ]);
  });
});
