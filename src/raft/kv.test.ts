import { describe, expect, it } from "vitest";
import { RAFT_DEFAULTS } from "./config.js";
import { KvStateMachine, kvCommandProblem, kvOpProblem } from "./kv.js";

describe("the key-value state machine", () => {
  it("get, put, delete, cas and range do what they say", () => {
    const kv = new KvStateMachine(10);
    const run = (seq: number, op: Parameters<KvStateMachine["apply"]>[0]["op"]) =>
      kv.apply({ clientId: 1, seq, op });
    expect(run(1, { op: "put", key: "b", value: "2" })).toEqual({
      kind: "applied",
      result: { op: "put" },
      duplicate: false,
    });
    run(2, { op: "put", key: "a", value: "1" });
    run(3, { op: "put", key: "c", value: "3" });
    expect(kv.read({ op: "get", key: "a" })).toEqual({ op: "get", value: "1" });
    expect(kv.read({ op: "get", key: "zz" })).toEqual({ op: "get", value: null });
    expect(run(4, { op: "cas", key: "a", from: "x", to: "y" })).toMatchObject({
      result: { op: "cas", ok: false, current: "1" },
    });
    expect(run(5, { op: "cas", key: "a", from: "1", to: "y" })).toMatchObject({
      result: { op: "cas", ok: true, current: "y" },
    });
    expect(kv.read({ op: "range", start: "a", end: "c", limit: 10 })).toEqual({
      op: "range",
      pairs: [
        ["a", "y"],
        ["b", "2"],
      ],
    });
    expect(kv.read({ op: "range", start: "a", end: "z", limit: 2 })).toEqual({
      op: "range",
      pairs: [
        ["a", "y"],
        ["b", "2"],
      ],
    });
    expect(run(6, { op: "delete", key: "b" })).toMatchObject({
      result: { op: "delete", existed: true },
    });
    expect(run(7, { op: "delete", key: "b" })).toMatchObject({
      result: { op: "delete", existed: false },
    });
    expect(kv.entries()).toEqual([
      ["a", "y"],
      ["c", "3"],
    ]);
  });

  it("a duplicate (clientId, seq) returns the first result and changes nothing; an older seq is stale", () => {
    const kv = new KvStateMachine(10);
    kv.apply({ clientId: 7, seq: 1, op: { op: "put", key: "k", value: "a" } });
    const first = kv.apply({
      clientId: 7,
      seq: 2,
      op: { op: "cas", key: "k", from: "a", to: "b" },
    });
    const again = kv.apply({
      clientId: 7,
      seq: 2,
      op: { op: "cas", key: "k", from: "a", to: "b" },
    });
    expect(again).toEqual({
      kind: "applied",
      result: (first as { result: unknown }).result,
      duplicate: true,
    });
    expect(kv.apply({ clientId: 7, seq: 1, op: { op: "put", key: "k", value: "z" } })).toEqual({
      kind: "stale",
      lastSeq: 2,
    });
    expect(kv.entries()).toEqual([["k", "b"]]);
    expect(kv.executedCount).toBe(2);
  });

  it("keeps at most sessionsMax sessions, evicting the least recently used", () => {
    const kv = new KvStateMachine(2);
    kv.apply({ clientId: 1, seq: 1, op: { op: "put", key: "a", value: "1" } });
    kv.apply({ clientId: 2, seq: 1, op: { op: "put", key: "b", value: "1" } });
    kv.apply({ clientId: 1, seq: 2, op: { op: "put", key: "a", value: "2" } });
    kv.apply({ clientId: 3, seq: 1, op: { op: "put", key: "c", value: "1" } });
    expect(kv.cached(2, 1)).toBeUndefined();
    expect(kv.cached(1, 2)).toEqual({ op: "put" });
    expect(kv.cached(3, 1)).toEqual({ op: "put" });
  });

  it("rejects malformed operations with the field and the reason", () => {
    expect(kvOpProblem({ op: "put", key: "k" }, RAFT_DEFAULTS)).toBe(
      "op.value: expected a string, got nothing",
    );
    expect(kvOpProblem({ op: "get", key: "x".repeat(300) }, RAFT_DEFAULTS)).toBe(
      "op.key: expected at most 256 characters, got 300",
    );
    expect(kvOpProblem({ op: "range", start: "a", end: "b", limit: 0 }, RAFT_DEFAULTS)).toBe(
      "op.limit: expected a positive integer, got 0",
    );
    expect(kvOpProblem({ op: "drop" }, RAFT_DEFAULTS)).toBe(
      'op.op: expected one of get, put, delete, cas, range, got "drop"',
    );
    expect(
      kvCommandProblem({ clientId: -1, seq: 1, op: { op: "get", key: "k" } }, RAFT_DEFAULTS),
    ).toBe("data.clientId: expected a non-negative integer, got -1");
    expect(kvOpProblem({ op: "cas", key: "k", from: "a", to: "b" }, RAFT_DEFAULTS)).toBeUndefined();
  });
});
