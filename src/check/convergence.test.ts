import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkConvergence } from "./convergence.js";
import { HistoryError } from "./errors.js";
import type { History, Operation } from "./history.js";
import type { AnyModel } from "./model.js";
import { MODELS } from "./models/index.js";

function model(name: string): AnyModel {
  const found = MODELS.get(name);
  if (found === undefined) throw new Error(`no model ${name}`);
  return found;
}

/** `[process, f, input, output, status?, key?]`; status is "info" or undefined for ok. */
type Step = [number, string, unknown, unknown, ...(string | undefined)[]];

/** Updates one after another, then the marker, then the final reads. */
function run(updates: readonly Step[], finals: readonly Step[]): History {
  const ops: Operation[] = [];
  const push = ([process, f, input, output, status, key]: Step) => {
    const t = ops.length * 2;
    const info = status === "info";
    ops.push({
      id: ops.length,
      process,
      f,
      input,
      output: info ? undefined : output,
      status: info ? "info" : "ok",
      call: t,
      ret: info ? Infinity : t + 1,
      ...(key === undefined ? {} : { key }),
    });
  };
  updates.forEach(push);
  push([99, "quiesce", null, null]);
  finals.forEach(push);
  return ops;
}

describe("checkConvergence", () => {
  it("accepts replicas that agree on the last write", () => {
    const h = run(
      [
        [0, "write", 1, 1],
        [1, "write", 2, 2],
        [0, "read", null, 1],
      ],
      [
        [10, "read", null, 1],
        [11, "read", null, 1],
      ],
    );
    const result = checkConvergence(h, model("register"));
    expect(result.verdict).toBe("ok");
    expect(result.replicas).toEqual([10, 11]);
    expect(result.states.map((s) => s.state)).toEqual(["1"]);
  });

  it("finds replicas that diverged, naming both reads", () => {
    const h = run(
      [
        [0, "write", 1, 1],
        [1, "write", 2, 2],
      ],
      [
        [10, "read", null, 1],
        [11, "read", null, 2],
      ],
    );
    const result = checkConvergence(h, model("register"));
    expect(result.verdict).toBe("violation");
    expect(result.violation).toMatchObject({ kind: "diverged", ops: [3, 4] });
  });

  it("finds an agreed state no order of the writes produces", () => {
    const h = run(
      [[0, "write", 1, 1]],
      [
        [10, "read", null, 7],
        [11, "read", null, 7],
      ],
    );
    expect(checkConvergence(h, model("register")).violation?.kind).toBe("unreachable");
  });

  it("counts a lost increment, but not an indeterminate one", () => {
    const lost = run(
      [
        [0, "add", 1, null],
        [1, "add", 2, null],
      ],
      [[10, "read", null, 1]],
    );
    expect(checkConvergence(lost, model("counter")).violation?.kind).toBe("unreachable");
    const maybe = run(
      [
        [0, "add", 1, null],
        [1, "add", 2, null, "info"],
      ],
      [[10, "read", null, 1]],
    );
    expect(checkConvergence(maybe, model("counter")).verdict).toBe("ok");
  });

  it("searches orders of non-commuting updates (a set's add and remove)", () => {
    const updates: Step[] = [
      [0, "add", "a", null],
      [1, "add", "b", null],
      [2, "remove", "a", null],
    ];
    const both = run(updates, [
      [10, "read", null, ["b", "a"]],
      [11, "read", null, ["a", "b"]],
    ]);
    expect(checkConvergence(both, model("set")).verdict).toBe("ok");
    const none = run(updates, [[10, "read", null, []]]);
    expect(checkConvergence(none, model("set")).violation?.kind).toBe("unreachable");
  });

  it("judges a keyed model key by key", () => {
    const h = run(
      [
        [0, "put", "a", "a", undefined, "x"],
        [1, "append", "b", "b", undefined, "x"],
        [2, "put", "c", "c", undefined, "y"],
      ],
      [
        [10, "get", null, "ab", undefined, "x"],
        [10, "get", null, "c", undefined, "y"],
        [11, "get", null, "ab", undefined, "x"],
      ],
    );
    const result = checkConvergence(h, model("kv"));
    expect(result.verdict).toBe("ok");
    expect(result.states.map((s) => s.key)).toEqual(["x", "y"]);
  });

  it("rejects a history without a quiescence marker, or with an operation the model does not know", () => {
    const h = run([[0, "write", 1, 1]], [[10, "read", null, 1]]).filter((op) => op.f !== "quiesce");
    expect(() => checkConvergence(h, model("register"))).toThrow(HistoryError);
    const bad = run([[0, "frobnicate", 1, 1]], [[10, "read", null, 1]]);
    expect(() => checkConvergence(bad, model("register"))).toThrow(HistoryError);
  });

  it("returns unknown when the time is up", () => {
    const adds: Step[] = Array.from({ length: 30 }, (_, i) => [i, "add", `e${i}`, null] as Step);
    const h = run(adds, [[99, "read", null, ["nobody-added-this"]]]);
    const result = checkConvergence(h, model("set"), { timeoutMs: 0 });
    expect(result.verdict).toBe("unknown");
  });
});

describe("properties", () => {
  const counterRun = fc.array(
    fc.record({ add: fc.integer({ min: -5, max: 5 }), info: fc.boolean() }),
    {
      maxLength: 12,
    },
  );

  it("replicas that all read a state some order of the adds produces converge", () => {
    fc.assert(
      fc.property(counterRun, fc.integer({ min: 1, max: 4 }), (adds, replicas) => {
        // the indeterminate adds took effect or not: take the ones at even places
        const total = adds.reduce((sum, a, i) => sum + (a.info && i % 2 === 1 ? 0 : a.add), 0);
        const updates = adds.map(
          (a, i): Step => [i, "add", a.add, null, a.info ? "info" : undefined],
        );
        const finals = Array.from(
          { length: replicas },
          (_, r): Step => [100 + r, "read", null, total],
        );
        expect(checkConvergence(run(updates, finals), model("counter")).verdict).toBe("ok");
      }),
      { numRuns: 200 },
    );
  });

  it("a replica off by one holds a state no order of the adds produces", () => {
    fc.assert(
      fc.property(counterRun, (adds) => {
        const total = adds.reduce((sum, a) => sum + a.add, 0);
        const updates = adds.map((a, i): Step => [i, "add", a.add, null]);
        const finals: Step[] = [
          [100, "read", null, total],
          [101, "read", null, total + 1],
        ];
        const result = checkConvergence(run(updates, finals), model("counter"));
        expect(result.violation).toMatchObject({ kind: "unreachable", ops: [adds.length + 2] });
      }),
      { numRuns: 100 },
    );
  });

  it("replicas holding two different writes' values have diverged", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), fc.nat(), fc.nat(), (writes, a, b) => {
        fc.pre(a % writes !== b % writes);
        const updates = Array.from({ length: writes }, (_, i): Step => [i, "write", i, i]);
        const finals: Step[] = [
          [100, "read", null, a % writes],
          [101, "read", null, b % writes],
        ];
        const result = checkConvergence(run(updates, finals), model("register"));
        expect(result.violation?.kind).toBe("diverged");
      }),
      { numRuns: 100 },
    );
  });
});
