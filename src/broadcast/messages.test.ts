import { describe, expect, it } from "vitest";
import { BROADCAST_DEFAULTS, checkBroadcastConfig } from "./config.js";
import { validateBroadcast } from "./messages.js";
import { checkSnapshotConfig, SNAPSHOT_DEFAULTS } from "./snapshot.js";
import { validateSnapshot } from "./snapshot-messages.js";

describe("validateBroadcast", () => {
  it("accepts each well-formed message", () => {
    expect(
      validateBroadcast({ type: "data", origin: 2, seq: 1, body: "x", vc: [0, 0, 1] }),
    ).toBeUndefined();
    expect(
      validateBroadcast({ type: "order", epoch: 0, rank: 3, origin: 0, seq: 9 }),
    ).toBeUndefined();
    expect(validateBroadcast({ type: "ack", key: "d3.14" })).toBeUndefined();
    expect(validateBroadcast({ type: "ack", key: "o7.1" })).toBeUndefined();
  });

  it("checks progress reports and the elected sequencer's messages, entries included", () => {
    expect(validateBroadcast({ type: "progress", incarnation: 0, prefix: [1, 2] })).toBeUndefined();
    expect(validateBroadcast({ type: "progress", incarnation: -1, prefix: [] })).toMatch(
      /^incarnation: expected/,
    );
    expect(validateBroadcast({ type: "prepare", ballot: 3, commit: 0 })).toBeUndefined();
    const entry = { type: "data", origin: 0, seq: 1, body: "a", vc: [] };
    expect(
      validateBroadcast({ type: "append", ballot: 3, from: 0, entries: [entry], commit: 1 }),
    ).toBeUndefined();
    expect(
      validateBroadcast({
        type: "append",
        ballot: 3,
        from: 0,
        entries: [{ ...entry, seq: 0 }],
        commit: 1,
      }),
    ).toBe("entries item: seq: expected at least 1, got 0");
    expect(validateBroadcast({ type: "accepted", ballot: 1 })).toMatch(/^length: expected/);
    expect(validateBroadcast({ type: "elect", msg: { type: "coordinator", epoch: 2 } })).toBe(
      undefined,
    );
    expect(validateBroadcast({ type: "elect", msg: { type: "nope" } })).toMatch(/^msg: type:/);
  });

  it("names the field, the expectation and what came", () => {
    expect(validateBroadcast(null)).toBe("message: expected an object, got null");
    expect(validateBroadcast({ type: "gossip" })).toBe(
      'type: expected one of data, order, ack, epoch, flush, flushed, progress, elect, prepare, promise, reject, append, accepted, got "gossip"',
    );
    expect(
      validateBroadcast({
        type: "epoch",
        epoch: 1,
        closes: [2],
        orders: [{ type: "order" }],
        data: [],
      }),
    ).toBe("epoch item: epoch: expected a non-negative integer, got nothing");
    expect(validateBroadcast({ type: "data", origin: -1, seq: 1, body: "", vc: [] })).toBe(
      "origin: expected a non-negative integer, got -1",
    );
    expect(validateBroadcast({ type: "data", origin: 0, seq: 1, body: "", vc: [1, "2"] })).toBe(
      'vc[1]: expected a non-negative integer, got "2"',
    );
    expect(
      validateBroadcast({ type: "data", origin: 0, seq: 1, body: "y".repeat(5000), vc: [] }),
    ).toBe("body: expected at most 4096 characters, got 5000");
    expect(validateBroadcast({ type: "order", epoch: 1, rank: 0, origin: 0, seq: 1 })).toBe(
      "rank: expected at least 1, got 0",
    );
    expect(validateBroadcast({ type: "ack", key: "d1" })).toBe(
      'key: expected d<origin>.<seq>, o<epoch>.<rank> or e<epoch>, got "d1"',
    );
  });
});

describe("validateSnapshot", () => {
  it("accepts transfers and markers, rejects the rest with a reason", () => {
    expect(validateSnapshot({ type: "transfer", ch: 1, amount: 0 })).toBeUndefined();
    expect(validateSnapshot({ type: "marker", ch: 4, snap: 2 })).toBeUndefined();
    expect(validateSnapshot({ type: "chack", upTo: 0 })).toBeUndefined();
    expect(validateSnapshot({ type: "chack", upTo: -3 })).toBe(
      "upTo: expected a non-negative integer, got -3",
    );
    expect(validateSnapshot({ type: "transfer", ch: 0, amount: 5 })).toBe(
      "ch: expected at least 1, got 0",
    );
    expect(validateSnapshot({ type: "transfer", ch: 1, amount: 1.5 })).toBe(
      "amount: expected a non-negative integer, got 1.5",
    );
    expect(validateSnapshot({ type: "marker", ch: 1, snap: 0 })).toBe(
      "snap: expected at least 1, got 0",
    );
  });
});

describe("configurations", () => {
  it("the defaults pass; a bad field is named", () => {
    expect(checkBroadcastConfig(BROADCAST_DEFAULTS)).toBeUndefined();
    expect(checkBroadcastConfig({ ...BROADCAST_DEFAULTS, resendMs: 0 })).toBe(
      "resendMs: expected a number > 0, got 0",
    );
    expect(checkBroadcastConfig({ ...BROADCAST_DEFAULTS, variant: "atomic" as "total" })).toMatch(
      /^variant: expected one of best-effort, reliable, fifo, causal, total/,
    );
    expect(checkSnapshotConfig(SNAPSHOT_DEFAULTS)).toBeUndefined();
    expect(checkSnapshotConfig({ ...SNAPSHOT_DEFAULTS, initialBalance: -1 })).toBe(
      "initialBalance: expected a non-negative integer, got -1",
    );
  });
});
