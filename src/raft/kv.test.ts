import { describe, expect, it } from "vitest";
import { RAFT_KV_CONFIG, raftKvScenarioOf } from "../scenarios/raft-kv.js";
import { executePlan, planRun } from "../sim/scenario-run.js";
import type { RandomNemesis } from "../sim/schedule-random.js";
import { RAFT_DEFAULTS } from "./config.js";
import { type KvCommand, KvStateMachine, kvCommandProblem, kvOpProblem } from "./kv.js";
import { RaftNode } from "./node.js";

/** Applies `commands` in order, at log indexes from `from`. */
function applyAll(kv: KvStateMachine, commands: KvCommand[], from = 1) {
  return commands.map((c, i) => kv.apply(c, from + i));
}

describe("the key-value state machine", () => {
  it("get, put, delete, cas and range do what they say", () => {
    const kv = new KvStateMachine(10);
    const run = (seq: number, op: Parameters<KvStateMachine["apply"]>[0]["op"]) =>
      kv.apply({ clientId: 1, seq, op }, seq);
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
    kv.apply({ clientId: 7, seq: 1, op: { op: "put", key: "k", value: "a" } }, 1);
    const first = kv.apply(
      { clientId: 7, seq: 2, op: { op: "cas", key: "k", from: "a", to: "b" } },
      2,
    );
    const again = kv.apply(
      { clientId: 7, seq: 2, op: { op: "cas", key: "k", from: "a", to: "b" } },
      3,
    );
    expect(again).toEqual({
      kind: "applied",
      result: (first as { result: unknown }).result,
      duplicate: true,
    });
    expect(kv.apply({ clientId: 7, seq: 1, op: { op: "put", key: "k", value: "z" } }, 4)).toEqual({
      kind: "stale",
      lastSeq: 2,
    });
    expect(kv.entries()).toEqual([["k", "b"]]);
    expect(kv.executedCount).toBe(2);
  });

  it("keeps at most sessionsMax sessions, evicting the least recently used", () => {
    const kv = new KvStateMachine(2);
    applyAll(kv, [
      { clientId: 1, seq: 1, op: { op: "put", key: "a", value: "1" } },
      { clientId: 2, seq: 1, op: { op: "put", key: "b", value: "1" } },
      { clientId: 1, seq: 2, op: { op: "put", key: "a", value: "2" } },
      { clientId: 3, seq: 1, op: { op: "put", key: "c", value: "1" } },
    ]);
    expect(kv.cached(2, 1)).toBeUndefined();
    expect(kv.cached(1, 2)).toEqual({ op: "put" });
    expect(kv.cached(3, 1)).toEqual({ op: "put" });
  });

  it("registration goes through the log: the session's id is the entry's index, and its commands count from 2", () => {
    const kv = new KvStateMachine(10);
    const register: KvCommand = { clientId: 0, seq: 0, op: { op: "register" } };
    expect(kv.apply(register, 5)).toEqual({
      kind: "applied",
      result: { op: "register", clientId: 5 },
      duplicate: false,
    });
    // The same registration replayed later opens another session, never an old one.
    expect(kv.apply(register, 9)).toMatchObject({ result: { op: "register", clientId: 9 } });
    expect(kv.apply({ clientId: 5, seq: 2, op: { op: "put", key: "k", value: "a" } }, 10)).toEqual({
      kind: "applied",
      result: { op: "put" },
      duplicate: false,
    });
    expect(kv.cached(5, 2)).toEqual({ op: "put" });
  });

  it("a command of an evicted session is not applied (expired), so a retry after eviction never applies twice", () => {
    const kv = new KvStateMachine(2);
    const put = (clientId: number, seq: number, value: string): KvCommand => ({
      clientId,
      seq,
      op: { op: "put", key: "k", value },
    });
    kv.apply({ clientId: 0, seq: 0, op: { op: "register" } }, 1); // session 1
    kv.apply(put(1, 2, "first"), 2);
    kv.apply({ clientId: 0, seq: 0, op: { op: "register" } }, 3); // session 3
    kv.apply({ clientId: 0, seq: 0, op: { op: "register" } }, 4); // session 4 evicts session 1
    kv.apply(put(4, 2, "later"), 5);
    expect(kv.cached(1, 2)).toBeUndefined();
    // Session 1 retries its put (its reply was lost): refused, and the later write stays.
    expect(kv.apply(put(1, 2, "first"), 6)).toEqual({ kind: "expired" });
    expect(kv.apply(put(1, 3, "next"), 7)).toEqual({ kind: "expired" });
    expect(kv.entries()).toEqual([["k", "later"]]);
    expect(kv.executedCount).toBe(2);
    expect(kv.expiredCount).toBe(2);
  });

  it("planted: reopening unknown sessions applies the retry a second time", () => {
    const kv = new KvStateMachine(1, { unsafeReopenExpiredSessions: true });
    kv.apply({ clientId: 0, seq: 0, op: { op: "register" } }, 1);
    kv.apply({ clientId: 1, seq: 2, op: { op: "put", key: "k", value: "first" } }, 2);
    kv.apply({ clientId: 0, seq: 0, op: { op: "register" } }, 3); // evicts session 1
    kv.apply({ clientId: 3, seq: 2, op: { op: "put", key: "k", value: "later" } }, 4);
    const retry = kv.apply({ clientId: 1, seq: 2, op: { op: "put", key: "k", value: "first" } }, 5);
    expect(retry).toMatchObject({ kind: "applied", duplicate: false });
    expect(kv.entries()).toEqual([["k", "first"]]); // the later write was undone
  });

  it("eviction is decided by applied entries alone: replicas, reads and restored snapshots agree", () => {
    // A pseudo-random log of registrations and writes from 6 clients over 3 session slots.
    let x = 7;
    const draw = (n: number) => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x % n;
    };
    const log: KvCommand[] = [];
    const seqs = new Map<number, number>();
    for (let i = 1; i <= 400; i++) {
      const ids = [...seqs.keys()];
      if (ids.length === 0 || draw(5) === 0) {
        log.push({ clientId: 0, seq: 0, op: { op: "register" } });
        seqs.set(i, 1);
        continue;
      }
      const id = ids[draw(ids.length)] as number;
      const seq = (seqs.get(id) ?? 1) + (draw(4) === 0 ? 0 : 1); // some retries
      seqs.set(id, seq);
      log.push({ clientId: id, seq, op: { op: "put", key: `k${draw(3)}`, value: `${id}.${seq}` } });
    }
    const a = new KvStateMachine(3);
    const b = new KvStateMachine(3);
    const c = new KvStateMachine(3);
    const outA = applyAll(a, log);
    // Replica b also serves reads and leader-side cache lookups in between: no effect on eviction.
    const outB = log.map((command, i) => {
      b.read({ op: "get", key: "k1" });
      b.cached(command.clientId, command.seq);
      return b.apply(command, i + 1);
    });
    // Replica c restarts from a's snapshot halfway.
    applyAll(c, log.slice(0, 200));
    const restored = new KvStateMachine(3);
    restored.restore(c.snapshot());
    const outC = log.slice(200).map((cmd, k) => restored.apply(cmd, 201 + k));
    expect(outB).toEqual(outA);
    expect(outC).toEqual(outA.slice(200));
    expect(b.snapshot()).toEqual(a.snapshot());
    expect(restored.snapshot()).toEqual(a.snapshot());
    expect(a.expiredCount).toBeGreaterThan(10); // evictions did refuse commands
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
      'op.op: expected one of register, get, put, delete, cas, range, got "drop"',
    );
    expect(
      kvCommandProblem({ clientId: -1, seq: 1, op: { op: "get", key: "k" } }, RAFT_DEFAULTS),
    ).toBe("data.clientId: expected a non-negative integer, got -1");
    expect(kvOpProblem({ op: "cas", key: "k", from: "a", to: "b" }, RAFT_DEFAULTS)).toBeUndefined();
  });
});

/** PLANTED BUG: a server whose state machine reopens unknown sessions (no expiry). */
class ForgetfulRaftNode extends RaftNode {
  protected override readonly kv = new KvStateMachine(this.config.sessionsMax, {
    unsafeReopenExpiredSessions: true,
  });
}

describe("exactly-once across session eviction, in raft-kv", () => {
  // Two session slots for three clients: sessions are evicted all the time,
  // and duplicated, replayed, delayed and lost messages make clients retry.
  const config = { ...RAFT_KV_CONFIG, sessionsMax: 2 };
  const nemesis: RandomNemesis = {
    verbs: ["loss", "duplicate", "replay", "delay", "partition"],
    ratePerSec: 2,
  };
  const run = (planted: boolean, seed: number) =>
    executePlan(
      planRun(
        raftKvScenarioOf(
          "raft-kv-sessions",
          config,
          planted ? { server: (id, c, servers) => new ForgetfulRaftNode(id, c, servers) } : {},
        ),
        { seed, durationMs: 5000, nemesis },
      ),
    ).summary;

  it("with expiry: every history linearizable, no acknowledged write lost, while sessions expire", () => {
    let expired = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const summary = run(false, seed);
      expect(summary.violations, summary.replay).toEqual([]);
      // raft-kv's results count the clients' kvSession events.
      expired += Number((summary as unknown as Record<string, unknown>).sessionsExpired);
    }
    expect(expired).toBeGreaterThan(200);
  });

  it("planted (no expiry: an unknown session is reopened): a retry applied twice is caught", () => {
    const found: string[] = [];
    for (let seed = 1; seed <= 30 && found.length === 0; seed++)
      found.push(...run(true, seed).violations);
    expect(found.join("\n")).toMatch(/linearizable: violation|acknowledgedLost|state machine/);
  });
});
