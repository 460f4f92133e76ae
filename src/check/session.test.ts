import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scripted } from "./causal-testkit.js";
import type { History, Operation } from "./history.js";
import { checkSessionGuarantees, type SessionGuarantee } from "./session.js";

function verdicts(history: History): Record<SessionGuarantee | "combined", string> {
  const result = checkSessionGuarantees(history);
  return {
    readYourWrites: result.guarantees.readYourWrites.verdict,
    monotonicReads: result.guarantees.monotonicReads.verdict,
    monotonicWrites: result.guarantees.monotonicWrites.verdict,
    writesFollowReads: result.guarantees.writesFollowReads.verdict,
    combined: result.combined.verdict,
  };
}

const allOk = {
  readYourWrites: "ok",
  monotonicReads: "ok",
  monotonicWrites: "ok",
  writesFollowReads: "ok",
  combined: "ok",
};

describe("read-your-writes", () => {
  it("a session that reads the initial value after its own write", () => {
    const h = scripted({ 1: ["w x 1", "r x _"] });
    expect(verdicts(h)).toEqual({ ...allOk, readYourWrites: "violation", combined: "violation" });
    const [found] = checkSessionGuarantees(h).guarantees.readYourWrites.violations;
    expect(found).toMatchObject({ key: "x", process: 1, ops: [1, 0] });
  });

  it("two sessions that each see the other's write win over their own", () => {
    // p1's read puts w1 before w2, p2's puts w2 before w1: no one order fits both.
    const h = scripted({ 1: ["w x 1", "r x 2"], 2: ["w x 2", "r x 1"] });
    expect(verdicts(h).readYourWrites).toBe("violation");
    const [cycle] = checkSessionGuarantees(h).guarantees.readYourWrites.violations;
    expect([...(cycle?.ops ?? [])].sort()).toEqual([0, 1, 2, 3]);
  });

  it("reading another session's later write is fine", () => {
    expect(verdicts(scripted({ 1: ["w x 1", "r x 2"], 2: ["w x 2"] }))).toEqual(allOk);
  });
});

describe("monotonic reads", () => {
  it("the initial value after a written one", () => {
    const h = scripted({ 1: ["w x 1"], 2: ["r x 1", "r x _"] });
    expect(verdicts(h)).toEqual({
      ...allOk,
      monotonicReads: "violation",
      monotonicWrites: "unknown",
      writesFollowReads: "unknown",
      combined: "violation",
    });
  });

  it("two readers that see two writes in opposite orders", () => {
    const h = scripted({
      1: ["w x 1"],
      2: ["w x 2"],
      3: ["r x 1", "r x 2"],
      4: ["r x 2", "r x 1"],
    });
    expect(verdicts(h).monotonicReads).toBe("violation");
  });

  it("one reader going 2 then 1 is not enough alone: 1 may be the later write", () => {
    const h = scripted({ 1: ["w x 1"], 2: ["w x 2"], 3: ["r x 2", "r x 1"] });
    expect(verdicts(h)).toEqual(allOk);
  });
});

describe("monotonic writes", () => {
  it("a session writes 1 then 2; a reader sees 2 then 1", () => {
    const h = scripted({ 1: ["w x 1", "w x 2"], 2: ["r x 2", "r x 1"] });
    expect(verdicts(h)).toEqual({ ...allOk, monotonicWrites: "violation", combined: "violation" });
  });
});

describe("writes-follow-reads", () => {
  it("a write made after reading x is seen without that x", () => {
    const h = scripted({ 1: ["w x 1"], 2: ["r x 1", "w y 2"], 3: ["r y 2", "r x _"] });
    expect(verdicts(h)).toEqual({
      ...allOk,
      writesFollowReads: "violation",
      combined: "violation",
    });
    const [found] = checkSessionGuarantees(h).guarantees.writesFollowReads.violations;
    expect(found).toMatchObject({ key: "x", process: 3 });
  });
});

it("reports thin-air reads apart from the guarantees", () => {
  const result = checkSessionGuarantees(scripted({ 1: ["r x 7"] }));
  expect(result.verdict).toBe("violation");
  expect(result.thinAirReads.map((t) => t.ops)).toEqual([[0]]);
  expect(result.combined.verdict).toBe("ok");
});

/** A random sequential execution over a few keys and processes (every read sees the latest write). */
const sequentialRun = fc
  .array(fc.record({ process: fc.nat(3), key: fc.constantFrom("x", "y"), write: fc.boolean() }), {
    maxLength: 40,
  })
  .map((steps) => {
    const latest = new Map<string, number>();
    return steps.map((step, id): Operation => {
      const base = { id, process: step.process, key: step.key, call: 2 * id, ret: 2 * id + 1 };
      if (!step.write) {
        return {
          ...base,
          f: "read",
          input: null,
          output: latest.get(step.key) ?? null,
          status: "ok",
        };
      }
      latest.set(step.key, id + 1);
      return { ...base, f: "write", input: id + 1, output: id + 1, status: "ok" };
    });
  });

describe("properties", () => {
  it("a sequential execution satisfies every guarantee", () => {
    fc.assert(
      fc.property(sequentialRun, (history) => {
        expect(verdicts(history)).toEqual(allOk);
      }),
      { numRuns: 300 },
    );
  });

  it("a planted read of the initial value after the session's own write breaks read-your-writes", () => {
    fc.assert(
      fc.property(sequentialRun, fc.nat(), (history, pick) => {
        const writes = history.filter((op) => op.f === "write");
        fc.pre(writes.length > 0);
        const write = writes[pick % writes.length] as Operation;
        const at = history.length;
        const planted: Operation = {
          ...write,
          id: at,
          f: "read",
          input: null,
          output: null,
          call: 2 * at,
          ret: 2 * at + 1,
        };
        const result = checkSessionGuarantees([...history, planted]);
        const found = result.guarantees.readYourWrites.violations;
        expect(found.some((v) => v.ops[0] === at && v.process === write.process)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("longer histories (more writes than one bitset word)", () => {
  /** A sequential run of 600 operations over 7 keys and 5 sessions: 200 writes. */
  function longRun(): Operation[] {
    const latest = new Map<string, number>();
    return Array.from({ length: 600 }, (_, id): Operation => {
      const key = `k${id % 7}`;
      const base = { id, process: id % 5, key, call: 2 * id, ret: 2 * id + 1 };
      if (id % 3 === 0) {
        latest.set(key, id + 1);
        return { ...base, f: "write", input: id + 1, output: id + 1, status: "ok" };
      }
      return { ...base, f: "read", input: null, output: latest.get(key) ?? null, status: "ok" };
    });
  }

  it("a sequential run satisfies every guarantee", () => {
    expect(verdicts(longRun())).toEqual(allOk);
  });

  it("a late read of an early value breaks monotonic reads", () => {
    const h = longRun();
    // the last read of k1 by its session returns k1's first value, after newer ones
    const reads = h.filter((op) => op.f === "read" && op.key === "k1" && op.output !== null);
    const last = reads[reads.length - 1] as Operation;
    const first = reads[0] as Operation;
    const planted = h.map((op) => (op === last ? { ...op, output: first.output } : op));
    const result = checkSessionGuarantees(planted);
    expect(result.verdict).toBe("violation");
    expect(result.guarantees.monotonicReads.verdict).toBe("violation");
  });
});
