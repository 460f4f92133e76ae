import { describe, expect, it } from "vitest";
import { HistoryError } from "../errors.js";
import type { History, Operation, OpStatus } from "../history.js";
import { checkLinearizable } from "../linearizable/check.js";
import type { AnyModel } from "../model.js";
import { MODELS } from "./index.js";

const model = (name: string): AnyModel => MODELS.get(name)!;

/** One op: [process, f, input, output, status, call, ret, key?]. */
type Row = [number, string, unknown, unknown, OpStatus, number, number, string?];

function history(rows: readonly Row[]): History {
  return rows.map(
    ([process, f, input, output, status, call, ret, key], id): Operation => ({
      id,
      process,
      f,
      input,
      output,
      status,
      call,
      ret,
      ...(key === undefined ? {} : { key }),
    }),
  );
}

const verdict = (name: string, rows: readonly Row[]): string =>
  checkLinearizable(history(rows), model(name)).verdict;
const INF = Number.POSITIVE_INFINITY;

describe("register", () => {
  it("reads see the last write; nil before any", () => {
    expect(
      verdict("register", [
        [0, "read", null, null, "ok", 0, 1],
        [0, "write", 1, 1, "ok", 2, 3],
        [1, "read", null, 1, "ok", 4, 5],
      ]),
    ).toBe("ok");
    expect(
      verdict("register", [
        [0, "write", 1, 1, "ok", 0, 1],
        [1, "read", null, null, "ok", 2, 3],
      ]),
    ).toBe("violation");
  });
  it("concurrent ops may take either order", () => {
    expect(
      verdict("register", [
        [0, "write", 1, 1, "ok", 0, 3],
        [1, "read", null, 1, "ok", 1, 2],
        [2, "read", null, null, "ok", 1, 2],
      ]),
    ).toBe("ok");
  });
  it("an info write may take effect late, or never", () => {
    const late: Row[] = [
      [0, "write", 1, undefined, "info", 0, INF],
      [1, "read", null, null, "ok", 1, 2],
      [1, "read", null, 1, "ok", 3, 4],
    ];
    expect(verdict("register", late)).toBe("ok");
    const flipBack: Row[] = [...late, [1, "read", null, null, "ok", 5, 6]];
    expect(verdict("register", flipBack)).toBe("violation");
  });
  it("rejects unknown functions as bad input, with the line", () => {
    const h = history([[0, "cas", [1, 2], undefined, "ok", 0, 1]]).map((op) => ({
      ...op,
      line: 7,
    }));
    expect(() => checkLinearizable(h, model("register"))).toThrow(HistoryError);
    expect(() => checkLinearizable(h, model("register"))).toThrow(
      /line 7: model register: expected f to be one of read, write, got "cas"/,
    );
  });
  it("keys are independent registers, whole or partitioned", () => {
    const rows: Row[] = [
      [0, "write", 1, 1, "ok", 0, 1, "a"],
      [1, "read", null, null, "ok", 2, 3, "b"],
      [1, "read", null, 1, "ok", 4, 5, "a"],
    ];
    expect(verdict("register", rows)).toBe("ok");
    expect(checkLinearizable(history(rows), model("register"), { partition: false }).verdict).toBe(
      "ok",
    );
  });
});

describe("cas-register and etcd", () => {
  const failedCas: Row[] = [
    [0, "write", 1, 1, "ok", 0, 1],
    [1, "cas", [1, 2], undefined, "fail", 2, 3],
    [0, "read", null, 1, "ok", 4, 5],
  ];
  it("a failed cas never happened for cas-register", () => {
    expect(verdict("cas-register", failedCas)).toBe("ok");
    expect(
      verdict("cas-register", [
        [0, "write", 1, 1, "ok", 0, 1],
        [1, "cas", [1, 2], [1, 2], "ok", 2, 3],
        [0, "read", null, 2, "ok", 4, 5],
      ]),
    ).toBe("ok");
  });
  it("a failed cas is definite for etcd: the value must differ from the expected one", () => {
    expect(verdict("etcd", failedCas)).toBe("violation");
    expect(
      verdict("etcd", [
        [0, "write", 3, 3, "ok", 0, 1],
        [1, "cas", [1, 2], undefined, "fail", 2, 3],
      ]),
    ).toBe("ok");
  });
  it("etcd: a failed (timed-out) read constrains nothing; an info cas may apply late", () => {
    expect(
      verdict("etcd", [
        [0, "read", null, undefined, "fail", 0, 1],
        [1, "write", 2, 2, "ok", 2, 3],
      ]),
    ).toBe("ok");
    expect(
      verdict("etcd", [
        [0, "write", 1, 1, "ok", 0, 1],
        [1, "cas", [1, 5], undefined, "info", 2, INF],
        [0, "read", null, 1, "ok", 3, 4],
        [0, "read", null, 5, "ok", 5, 6],
      ]),
    ).toBe("ok");
  });
  it("explains why the stuck op cannot happen", () => {
    const r = checkLinearizable(
      history([
        [0, "write", 1, 1, "ok", 0, 1],
        [1, "read", null, 2, "ok", 2, 3],
      ]),
      model("etcd"),
    );
    expect(r.partitions[0]!.stuck).toEqual([
      { id: 1, found: "1", needed: "read saw 2 but the register holds 1" },
    ]);
    expect(r.partitions[0]!.linearized).toEqual([0]);
  });
  it("rejects a cas without [old new]", () => {
    expect(() =>
      checkLinearizable(history([[0, "cas", 1, undefined, "ok", 0, 1]]), model("etcd")),
    ).toThrow(/expected input \[old new\], got 1/);
  });
});

describe("kv", () => {
  it("get, put and append on strings starting empty", () => {
    expect(
      verdict("kv", [
        [0, "append", "a", "a", "ok", 0, 1, "k"],
        [0, "append", "b", "b", "ok", 2, 3, "k"],
        [1, "get", null, "ab", "ok", 4, 5, "k"],
        [1, "get", null, "", "ok", 6, 7, "j"],
      ]),
    ).toBe("ok");
    expect(
      verdict("kv", [
        [0, "put", "a", "a", "ok", 0, 1, "k"],
        [1, "get", null, "", "ok", 2, 3, "k"],
      ]),
    ).toBe("violation");
  });
  it("reports the violating key", () => {
    const r = checkLinearizable(
      history([
        [0, "put", "a", "a", "ok", 0, 1, "k"],
        [1, "get", null, "", "ok", 2, 3, "k"],
        [1, "get", null, "", "ok", 4, 5, "j"],
      ]),
      model("kv"),
    );
    expect(r.partitions.map((p) => [p.key, p.verdict])).toEqual([
      ["k", "violation"],
      ["j", "ok"],
    ]);
  });
  it("rejects a get whose output is not a string", () => {
    expect(() =>
      checkLinearizable(history([[0, "get", null, 3, "ok", 0, 1, "k"]]), model("kv")),
    ).toThrow(/model kv: get: expected the string read, got 3/);
  });
});

describe("set, queue, counter", () => {
  it("set: reads see every added element, in any order", () => {
    expect(
      verdict("set", [
        [0, "add", 1, 1, "ok", 0, 1],
        [0, "add", 2, 2, "ok", 2, 3],
        [1, "read", null, [2, 1], "ok", 4, 5],
      ]),
    ).toBe("ok");
    expect(
      verdict("set", [
        [0, "add", 1, 1, "ok", 0, 1],
        [0, "remove", 1, 1, "ok", 2, 3],
        [1, "read", null, [1], "ok", 4, 5],
      ]),
    ).toBe("violation");
  });
  it("queue: FIFO, nil when empty", () => {
    expect(
      verdict("queue", [
        [0, "enqueue", 1, 1, "ok", 0, 1],
        [0, "enqueue", 2, 2, "ok", 2, 3],
        [1, "dequeue", null, 1, "ok", 4, 5],
        [1, "dequeue", null, 2, "ok", 6, 7],
        [1, "dequeue", null, null, "ok", 8, 9],
      ]),
    ).toBe("ok");
    expect(
      verdict("queue", [
        [0, "enqueue", 1, 1, "ok", 0, 1],
        [0, "enqueue", 2, 2, "ok", 2, 3],
        [1, "dequeue", null, 2, "ok", 4, 5],
      ]),
    ).toBe("violation");
  });
  it("counter: reads see the sum of adds", () => {
    expect(
      verdict("counter", [
        [0, "add", 2, 2, "ok", 0, 3],
        [1, "read", null, 0, "ok", 1, 2],
        [1, "read", null, 2, "ok", 4, 5],
      ]),
    ).toBe("ok");
    expect(
      verdict("counter", [
        [0, "add", 2, 2, "ok", 0, 1],
        [1, "read", null, 3, "ok", 2, 3],
      ]),
    ).toBe("violation");
    expect(() =>
      checkLinearizable(history([[0, "add", "x", "x", "ok", 0, 1]]), model("counter")),
    ).toThrow(/add: expected a number/);
  });
});

describe("every built-in model", () => {
  it("states that are equal hash equally, and describe themselves", () => {
    for (const m of MODELS.values()) {
      const a = m.init();
      expect(m.equal(a, m.init()), m.name).toBe(true);
      expect(m.hash(a), m.name).toBe(m.hash(m.init()));
      expect(typeof m.describeState(a)).toBe("string");
      expect(m.summary.length).toBeGreaterThan(10);
    }
  });
});
