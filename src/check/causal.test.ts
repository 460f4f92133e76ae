import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkCausal } from "./causal.js";
import { ReadWriteShapeError } from "./causal-rw.js";
import { scripted } from "./causal-testkit.js";
import type { History, Operation } from "./history.js";

function models(history: History) {
  const result = checkCausal(history);
  return {
    CC: result.models.CC.counterexample?.pattern ?? "holds",
    CM: result.models.CM.counterexample?.pattern ?? "holds",
    CCv: result.models.CCv.counterexample?.pattern ?? "holds",
  };
}

// The five example histories of Bouajjani et al. (POPL 2017), section 2, and
// which of the three models each satisfies.
describe("the paper's example histories", () => {
  it("(a) satisfies CC and CM but not CCv: two processes order two writes differently", () => {
    const h = scripted({ 1: ["w x 1", "r x 2"], 2: ["w x 2", "r x 1"] });
    expect(models(h)).toEqual({ CC: "holds", CM: "holds", CCv: "CyclicCF" });
  });

  it("(b) satisfies CC and CCv but not CM", () => {
    const h = scripted({
      1: ["w z 1", "w x 1", "w y 1"],
      2: ["w x 2", "r z _", "r y 1", "r x 2"],
    });
    expect(models(h)).toEqual({ CC: "holds", CM: "WriteHBInitRead", CCv: "holds" });
    const cm = checkCausal(h).models.CM.counterexample;
    expect(cm?.process).toBe(2);
    // w(z, 1) is the write p2's reads force before its read of z's initial value
    expect(cm?.ops).toEqual([0, 3]);
  });

  it("(c) satisfies CC but neither CM nor CCv", () => {
    const h = scripted({ 1: ["w x 1"], 2: ["w x 2", "r x 1", "r x 2"] });
    expect(models(h)).toEqual({ CC: "holds", CM: "CyclicHB", CCv: "CyclicCF" });
  });

  it("(d) satisfies all three (though it is not sequentially consistent)", () => {
    const h = scripted({
      1: ["w x 1", "r y _", "w y 1", "r x 1"],
      2: ["w x 2", "r y _", "w y 2", "r x 2"],
    });
    expect(models(h)).toEqual({ CC: "holds", CM: "holds", CCv: "holds" });
    expect(checkCausal(h).verdict).toBe("ok");
  });

  it("(e) is not CC: WriteCORead", () => {
    const h = scripted({ 1: ["w x 1", "w y 1"], 2: ["r y 1", "w x 2"], 3: ["r x 2", "r x 1"] });
    const result = checkCausal(h);
    expect(result.verdict).toBe("violation");
    const found = result.models.CC.counterexample;
    expect(found?.pattern).toBe("WriteCORead");
    const [w1, w2, read] = found?.ops ?? [];
    expect([h[w1 ?? -1]?.input, h[w2 ?? -1]?.input, h[read ?? -1]?.output]).toEqual([1, 2, 1]);
    // CC's patterns are also CM's and CCv's
    expect(result.models.CM.holds).toBe(false);
    expect(result.models.CCv.holds).toBe(false);
  });
});

describe("each CC bad pattern", () => {
  it("ThinAirRead: a value nobody wrote", () => {
    const result = checkCausal(scripted({ 1: ["w x 1"], 2: ["r x 5"] }));
    expect(result.models.CC.counterexample).toMatchObject({ pattern: "ThinAirRead", ops: [1] });
  });

  it("CyclicCO: each read sees a write that comes after the other read", () => {
    const h = scripted({ 1: ["r x 1", "w y 1"], 2: ["r y 1", "w x 1"] });
    const found = checkCausal(h).models.CC.counterexample;
    expect(found?.pattern).toBe("CyclicCO");
    expect([...(found?.ops ?? [])].sort()).toEqual([0, 1, 2, 3]);
  });

  it("WriteCOInitRead: a process misses its own write", () => {
    const found = checkCausal(scripted({ 1: ["w x 1", "r x _"] })).models.CC.counterexample;
    expect(found).toMatchObject({ pattern: "WriteCOInitRead", ops: [0, 1] });
  });

  it("WriteCOInitRead through another process's read", () => {
    const h = scripted({ 1: ["w x 1", "w y 1"], 2: ["r y 1", "r x _"] });
    expect(checkCausal(h).models.CC.counterexample?.pattern).toBe("WriteCOInitRead");
  });

  it("a write to another key does not count", () => {
    expect(checkCausal(scripted({ 1: ["w y 1", "r x _"] })).verdict).toBe("ok");
  });
});

describe("input handling", () => {
  it("drops failed writes and unread indeterminate writes, keeps read ones", () => {
    // The failed write of 1 never happened, so reading the initial value is fine.
    expect(checkCausal(scripted({ 1: ["w x 1 !", "r x _"] })).verdict).toBe("ok");
    // An indeterminate write nobody read may never have happened.
    expect(checkCausal(scripted({ 1: ["w x 1 ?"], 2: ["r x _"] })).verdict).toBe("ok");
    // One that was read did happen: reading 2 after it is then not thin air.
    const h = scripted({ 1: ["w x 1 ?"], 2: ["r x 1", "r x ?"] });
    expect(checkCausal(h).verdict).toBe("ok");
  });

  it("rejects duplicate written values, other functions and writes of the initial value", () => {
    expect(() => checkCausal(scripted({ 1: ["w x 1"], 2: ["w x 1"] }))).toThrow(
      /op 1: writes 1 to key "x", as op 0 did/,
    );
    const cas: Operation = {
      id: 0,
      process: 0,
      f: "cas",
      input: [1, 2],
      output: undefined,
      status: "ok",
      call: 0,
      ret: 1,
    };
    expect(() => checkCausal([cas])).toThrow(ReadWriteShapeError);
    const nullWrite: Operation = { ...cas, f: "write", input: null };
    expect(() => checkCausal([nullWrite])).toThrow(/initial value/);
  });

  it("honours another initial value (the kv histories' empty string)", () => {
    const read: Operation = {
      id: 0,
      process: 0,
      f: "get",
      key: "k",
      input: null,
      output: "",
      status: "ok",
      call: 0,
      ret: 1,
    };
    expect(() => checkCausal([read])).not.toThrow();
    expect(checkCausal([read]).models.CC.holds).toBe(false);
    expect(checkCausal([read], { initial: "" }).verdict).toBe("ok");
  });

  it("lets the caller require only some models", () => {
    const h = scripted({ 1: ["w x 1", "r x 2"], 2: ["w x 2", "r x 1"] });
    expect(checkCausal(h, { require: ["CC", "CM"] }).verdict).toBe("ok");
    expect(checkCausal(h).verdict).toBe("violation");
  });
});

/**
 * A random sequential execution of reads and writes over a few keys, cut
 * into processes: every read returns the latest write in the one global
 * order, so the history is sequentially consistent and must satisfy every
 * causal model.
 */
const sequentialRun = fc
  .array(
    fc.record({ process: fc.nat(3), key: fc.constantFrom("x", "y", "z"), write: fc.boolean() }),
    {
      maxLength: 40,
    },
  )
  .map((steps) => {
    const scripts: Record<number, string[]> = {};
    const latest = new Map<string, number>();
    let next = 1;
    const ops: Operation[] = [];
    steps.forEach((step, id) => {
      const list = scripts[step.process] ?? [];
      scripts[step.process] = list;
      const base = { id, process: step.process, key: step.key, call: 2 * id, ret: 2 * id + 1 };
      if (step.write) {
        latest.set(step.key, next);
        ops.push({ ...base, f: "write", input: next, output: next, status: "ok" });
        next++;
      } else {
        ops.push({
          ...base,
          f: "read",
          input: null,
          output: latest.get(step.key) ?? null,
          status: "ok",
        });
      }
    });
    return ops as History;
  });

describe("properties", () => {
  it("every history of a sequential execution satisfies CC, CM and CCv", () => {
    fc.assert(
      fc.property(sequentialRun, (history) => {
        const result = checkCausal(history);
        expect(result.models).toEqual({
          CC: { holds: true },
          CM: { holds: true },
          CCv: { holds: true },
        });
      }),
      { numRuns: 300 },
    );
  });

  it("a read turned into a read of a value nobody wrote is always a ThinAirRead", () => {
    fc.assert(
      fc.property(sequentialRun, fc.nat(), (history, pick) => {
        const reads = history.filter((op) => op.f === "read");
        fc.pre(reads.length > 0);
        const victim = reads[pick % reads.length] as Operation;
        const corrupted = history.map((op) => (op === victim ? { ...op, output: 999 } : op));
        const found = checkCausal(corrupted).models.CC.counterexample;
        expect(found).toMatchObject({ pattern: "ThinAirRead", ops: [victim.id] });
      }),
      { numRuns: 200 },
    );
  });
});
