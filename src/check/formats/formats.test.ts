import { describe, expect, it } from "vitest";
import { HistoryError } from "../errors.js";
import { detectFormat, parseHistory } from "./detect.js";
import { readEdn } from "./edn.js";

/** The HistoryError `parse` throws, as `file:line: detail`. */
function errorOf(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(HistoryError);
    return (error as HistoryError).at("h");
  }
  throw new Error("expected a HistoryError, got none");
}

describe("EDN reader", () => {
  it("reads maps, vectors, lists, sets, nil, keywords, strings, numbers, comments and tags", () => {
    const [item] = readEdn(
      '{:a [1 -2 3.5 4N 1e3], :b nil, :c "q\\"\\n\\u0041", :d #{:x}, :e (true false) ; note\n :f #inst "2020"}',
    );
    expect(item!.value).toEqual({
      a: [1, -2, 3.5, 4, 1000],
      b: null,
      c: 'q"\nA',
      d: [":x"],
      e: [true, false],
      f: "2020",
    });
  });

  it("tracks lines and skips #_ discards", () => {
    const items = readEdn("1\n\n#_ 7 {:x\n 2}\n[3]");
    expect(items.map((i) => i.line)).toEqual([1, 3, 5]);
  });

  it("names the line of unterminated input and bad tokens", () => {
    expect(errorOf(() => readEdn('{:a "x}'))).toBe(
      'h:1: expected " to close the string, got the end of the input',
    );
    expect(errorOf(() => readEdn("[1 2\n"))).toBe(
      "h:2: expected ] to close the collection, got the end of the input",
    );
    expect(errorOf(() => readEdn("{:a}"))).toBe(
      "h:1: expected a map with an even number of forms, got 1",
    );
    expect(errorOf(() => readEdn("\n12x"))).toMatch(/^h:2: expected a number, got "12x"/);
    expect(errorOf(() => readEdn("]"))).toBe('h:1: expected a value, got "]"');
  });
});

describe("etcd log", () => {
  const log = [
    "INFO  jepsen.util - 2\t:invoke\t:write\t4",
    "INFO  jepsen.util - 1\t:invoke\t:cas\t[1 4]",
    "INFO  jepsen.util - 0   :invoke   :read   nil",
    "INFO  jepsen.util - 0\t:ok\t:read\tnil",
    "INFO  jepsen.util - 1\t:fail\t:cas\t[1 4]",
    "INFO  jepsen.util - 2\t:info\t:write\t:timed-out",
    "INFO  jepsen.util - 3\t:invoke\t:read\tnil",
    "",
  ].join("\n");

  it("pairs by process, keeps fail and info, leaves unfinished calls indeterminate", () => {
    const h = parseHistory(log);
    expect(h.map((op) => [op.id, op.process, op.f, op.status, op.line])).toEqual([
      [0, 2, "write", "info", 1],
      [1, 1, "cas", "fail", 2],
      [2, 0, "read", "ok", 3],
      [3, 3, "read", "info", 7],
    ]);
    expect(h[1]!.input).toEqual([1, 4]);
    expect(h[2]!.output).toBeNull();
    expect(h[0]!.ret).toBe(Number.POSITIVE_INFINITY);
    expect(h[2]!.call).toBeLessThan(h[2]!.ret);
  });

  it("rejects malformed lines with file:line and what was expected", () => {
    expect(
      errorOf(() => parseHistory("INFO  jepsen.util - 0\t:done\t:read\tnil", "etcd-log")),
    ).toBe('h:1: expected :invoke, :ok, :fail or :info, got ":done"');
    expect(errorOf(() => parseHistory(`${log}garbage`, "etcd-log"))).toBe(
      'h:8: expected "INFO jepsen.util - <process> :<type> :<f> <value>", got "garbage"',
    );
    expect(errorOf(() => parseHistory("INFO  jepsen.util - 0 :ok :read 1", "etcd-log"))).toBe(
      "h:1: expected an :invoke by process 0 before this :ok, got none open",
    );
    expect(
      errorOf(() =>
        parseHistory(
          "INFO  jepsen.util - 0 :invoke :read nil\nINFO  jepsen.util - 0 :ok :write 1",
          "etcd-log",
        ),
      ),
    ).toBe("h:2: expected f read (the call on line 1), got write");
    expect(errorOf(() => parseHistory("INFO  jepsen.util - 0 :invoke :cas [1 2", "etcd-log"))).toBe(
      "h:1: expected ] to close the collection, got the end of the input",
    );
  });
});

describe("Jepsen EDN and kv log", () => {
  it("reads Knossos-style op maps, skipping the nemesis", () => {
    const h = parseHistory(
      [
        "{:type :invoke, :f :write, :value 3, :process 0, :time 10}",
        "{:type :info, :f :start, :value nil, :process :nemesis}",
        "{:type :invoke, :f :read, :value nil, :process 1, :time 11}",
        "{:type :ok, :f :write, :value 3, :process 0, :time 12}",
        "{:type :fail, :f :read, :value nil, :process 1, :time 13}",
      ].join("\n"),
    );
    expect(h.map((op) => [op.f, op.status, op.input, op.output])).toEqual([
      ["write", "ok", 3, 3],
      ["read", "fail", null, undefined],
    ]);
  });

  it("reads a history given as one vector of maps, with each map's line", () => {
    const h = parseHistory(
      "[{:type :invoke, :f :read, :process 0}\n {:type :ok, :f :read, :value 1, :process 0}]",
      "edn",
    );
    expect(h).toHaveLength(1);
    expect(h[0]!.output).toBe(1);
  });

  it("detects the kv log by :key and requires a key on every op", () => {
    const text =
      '{:process 0, :type :invoke, :f :get, :key "5", :value nil}\n{:process 0, :type :ok, :f :get, :key "5", :value "x"}';
    expect(detectFormat(text)).toBe("kv-log");
    expect(parseHistory(text)[0]!.key).toBe("5");
    expect(errorOf(() => parseHistory("{:process 0, :type :invoke, :f :get}", "kv-log"))).toBe(
      "h:1: expected a :key, got none",
    );
  });

  it("names the field that is wrong", () => {
    expect(errorOf(() => parseHistory("{:type :invoke, :f :read, :process -1}", "edn"))).toBe(
      "h:1: expected :process to be a non-negative integer, got -1",
    );
    expect(errorOf(() => parseHistory("{:type :begin, :f :read, :process 1}", "edn"))).toBe(
      'h:1: expected :type :invoke, :ok, :fail or :info, got ":begin"',
    );
    expect(errorOf(() => parseHistory("[1 2]", "edn"))).toBe(
      "h:1: expected an op map {:type …, :f …, :process …}, got 1",
    );
  });
});

describe("cohort JSON Lines", () => {
  it("reads events with keys and times", () => {
    const h = parseHistory(
      [
        '{"type":"invoke","process":0,"f":"put","key":"a","value":"x","time":1}',
        '{"type":"invoke","process":1,"f":"get","key":"a","time":2}',
        '{"type":"ok","process":0,"f":"put","key":"a","value":"x","time":3}',
        '{"type":"info","process":1,"f":"get","key":"a","time":4}',
      ].join("\n"),
    );
    expect(h.map((op) => [op.f, op.key, op.status, op.input])).toEqual([
      ["put", "a", "ok", "x"],
      ["get", "a", "info", null],
    ]);
  });

  it("rejects bad JSON, fields and time going back", () => {
    expect(
      errorOf(() =>
        parseHistory('{"type":"invoke","process":0,"f":"get"}\n{"type":"ok",', "jsonl"),
      ),
    ).toMatch(/^h:2: expected a JSON object, got invalid JSON/);
    expect(errorOf(() => parseHistory('{"type":"invoke","process":"p","f":"get"}', "jsonl"))).toBe(
      'h:1: process: expected a non-negative integer, got "p"',
    );
    expect(
      errorOf(() =>
        parseHistory(
          '{"type":"invoke","process":0,"f":"a","time":5}\n{"type":"ok","process":0,"f":"a","time":4}',
          "jsonl",
        ),
      ),
    ).toBe("h:2: time: expected >= 5 (lines are in real-time order), got 4");
  });
});

describe("detection", () => {
  it("tells the formats apart and refuses to guess otherwise", () => {
    expect(detectFormat("\nINFO  jepsen.util - 1 :invoke :read nil")).toBe("etcd-log");
    expect(detectFormat('{"type":"invoke"}')).toBe("jsonl");
    expect(detectFormat("{:type :invoke}")).toBe("edn");
    expect(errorOf(() => detectFormat("hello"))).toMatch(/^h:1: expected a Jepsen log line/);
    expect(errorOf(() => parseHistory("\n\n"))).toBe(
      "h: expected at least one operation, got none (an empty history)",
    );
  });
});
