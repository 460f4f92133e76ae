import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { History, Operation } from "./history.js";
import { checkLinearizable } from "./linearizable/check.js";
import type { AnyModel, Model } from "./model.js";
import { MODELS } from "./models/index.js";
import { checkSequential } from "./sequential.js";

/** A register of integers (null before any write): read, write, cas [old new]. */
const register: Model<number | null> = {
  name: "test-register",
  summary: "a register for the sequential tests",
  init: () => null,
  step(state, op) {
    if (op.f === "write") return op.input as number;
    if (op.f === "cas") {
      const [from, to] = op.input as [number, number];
      return state === from ? to : undefined;
    }
    return op.status !== "ok" || op.output === state ? state : undefined;
  },
  equal: (a, b) => a === b,
  hash: (s) => (s === null ? -1 : s) | 0,
  describeState: (s) => (s === null ? "nil" : String(s)),
  describeOp: (op) => `${op.f}(${JSON.stringify(op.f === "read" ? op.output : op.input)})`,
  explain: (s, op) => `read saw ${JSON.stringify(op.output)} but the register holds ${s}`,
};

type Spec = [
  process: number,
  f: string,
  value: unknown,
  call: number,
  ret: number,
  status?: "info",
];

function history(specs: readonly Spec[]): History {
  return specs.map(([process, f, value, call, ret, status], id) => ({
    id,
    process,
    f,
    input: f === "read" ? null : value,
    output: status === "info" ? undefined : value,
    status: status ?? "ok",
    call,
    ret: status === "info" ? Infinity : ret,
  }));
}

describe("checkSequential", () => {
  it("accepts a stale read, which linearizability would reject", () => {
    // the read starts after the write returned, yet saw the older value
    const h = history([
      [0, "write", 1, 0, 1],
      [1, "read", null, 2, 3],
    ]);
    const result = checkSequential(h, register);
    expect(result.verdict).toBe("ok");
    expect(result.order).toEqual([1, 0]);
  });

  it("rejects reads that see two writes of one process in the wrong order", () => {
    const h = history([
      [0, "write", 1, 0, 1],
      [0, "write", 2, 2, 3],
      [1, "read", 2, 4, 5],
      [1, "read", 1, 6, 7],
    ]);
    const result = checkSequential(h, register);
    expect(result.verdict).toBe("violation");
    expect(result.order).toEqual([0, 1, 2]);
    expect(result.state).toBe("2");
    expect(result.stuck).toEqual([
      { id: 3, found: "2", needed: "read saw 1 but the register holds 2" },
    ]);
  });

  it("lets an indeterminate write take effect or not", () => {
    const took = history([
      [0, "write", 1, 0, 1, "info"],
      [1, "read", null, 2, 3],
      [1, "read", 1, 4, 5],
    ]);
    expect(checkSequential(took, register).verdict).toBe("ok");
    const never = history([
      [0, "write", 1, 0, 1, "info"],
      [1, "read", null, 2, 3],
    ]);
    const result = checkSequential(never, register);
    expect(result.verdict).toBe("ok");
    expect([...result.order, ...result.omitted].sort()).toEqual([0, 1]);
  });

  it("drops failed operations unless the model keeps them", () => {
    const h: History = [
      {
        id: 0,
        process: 0,
        f: "cas",
        input: [5, 6],
        output: undefined,
        status: "fail",
        call: 0,
        ret: 1,
      },
      { id: 1, process: 1, f: "read", input: null, output: null, status: "ok", call: 2, ret: 3 },
    ];
    expect(checkSequential(h, register).ops).toBe(1);
    const keeping: Model<number | null> = {
      ...register,
      keepFailed: () => true,
      step: (s, op) => (op.status === "fail" ? s : register.step(s, op)),
    };
    expect(checkSequential(h, keeping).ops).toBe(2);
  });

  it("returns unknown, never a guess, when the time is up", () => {
    // 12 processes each write then read a value no one wrote: a violation,
    // but proving it means trying many orders.
    const specs: Spec[] = [];
    for (let p = 0; p < 12; p++) specs.push([p, "write", p, 0, 1], [p, "read", 100 + p, 2, 3]);
    const result = checkSequential(history(specs), register, { timeoutMs: 0 });
    expect(result.verdict).toBe("unknown");
    expect(result.reason).toBe("timeout");
  });
});

/** Every order of the operations that keeps each process's order: the reference the search must agree with. */
function bruteForce(h: History): boolean {
  const byProcess = new Map<number, Operation[]>();
  for (const op of h) byProcess.set(op.process, [...(byProcess.get(op.process) ?? []), op]);
  const lists = [...byProcess.values()];
  const go = (done: number[], state: number | null): boolean => {
    if (lists.every((list, p) => done[p] === list.length)) return true;
    return lists.some((list, p) => {
      const op = list[done[p] as number];
      if (op === undefined) return false;
      const next = register.step(state, op);
      const after = done.map((d, q) => (q === p ? d + 1 : d));
      return next !== undefined && go(after, next);
    });
  };
  return go(
    lists.map(() => 0),
    null,
  );
}

/** Ops from a sequential run of the register, given to processes, with times scrambled across processes. */
const scrambledRun = fc
  .array(
    fc.record({
      process: fc.nat(2),
      write: fc.boolean(),
      value: fc.nat(3),
      delay: fc.nat(20),
    }),
    { minLength: 1, maxLength: 9 },
  )
  .map((steps) => {
    let state: number | null = null;
    const clock = [0, 0, 0];
    const ops: Operation[] = steps.map((step, id) => {
      const call = (clock[step.process] as number) + step.delay;
      clock[step.process] = call + 2;
      if (step.write) state = step.value;
      const f = step.write ? "write" : "read";
      const value = step.write ? step.value : state;
      return {
        id,
        process: step.process,
        f,
        input: step.write ? value : null,
        output: value,
        status: "ok",
        call,
        ret: call + 1,
      };
    });
    ops.sort((a, b) => a.call - b.call);
    return ops.map((op, id) => ({ ...op, id }));
  });

describe("properties", () => {
  it("a sequential run, whatever the times across processes, is sequentially consistent", () => {
    fc.assert(
      fc.property(scrambledRun, (h) => {
        expect(checkSequential(h, register).verdict).toBe("ok");
      }),
      { numRuns: 300 },
    );
  });

  it("with one read corrupted, agrees with the brute-force reference", () => {
    const seen = { ok: 0, violation: 0 };
    fc.assert(
      fc.property(scrambledRun, fc.nat(), fc.nat(4), (h, pick, value) => {
        const reads = h.filter((op) => op.f === "read");
        fc.pre(reads.length > 0);
        const victim = reads[pick % reads.length] as Operation;
        const corrupted = h.map((op) => (op === victim ? { ...op, output: value } : op));
        const expected = bruteForce(corrupted) ? "ok" : "violation";
        seen[expected]++;
        expect(checkSequential(corrupted, register).verdict).toBe(expected);
      }),
      { numRuns: 400 },
    );
    // both answers must occur, or the property proves little
    expect(seen.ok).toBeGreaterThan(20);
    expect(seen.violation).toBeGreaterThan(20);
  });
});

describe("against the linearizability checker", () => {
  /** Random register histories with overlapping operations, reads returning any small value. */
  const concurrent = fc
    .array(
      fc.record({
        process: fc.nat(3),
        write: fc.boolean(),
        value: fc.nat(2),
        start: fc.nat(10),
        len: fc.nat(6),
      }),
      { minLength: 1, maxLength: 8 },
    )
    .map((steps) => {
      const free = [0, 0, 0, 0];
      const ops = steps.map((step) => {
        const call = Math.max(free[step.process] as number, step.start);
        const ret = call + 1 + step.len;
        free[step.process] = ret + 1;
        const f = step.write ? "write" : "read";
        return {
          process: step.process,
          f,
          input: step.write ? step.value : null,
          output: step.value,
          status: "ok" as const,
          call,
          ret,
        };
      });
      ops.sort((a, b) => a.call - b.call);
      return ops.map((op, id): Operation => ({ ...op, id }));
    });

  it("a linearizable history is sequentially consistent, and the search alone finds it", () => {
    const model = MODELS.get("register") as AnyModel;
    let linearizable = 0;
    fc.assert(
      fc.property(concurrent, (h) => {
        const searched = checkSequential(h, model, { tryLinearizable: false }).verdict;
        expect(searched).toBe(bruteForce(h) ? "ok" : "violation");
        if (checkLinearizable(h, model).verdict !== "ok") return;
        linearizable++;
        expect(searched).toBe("ok");
      }),
      { numRuns: 400 },
    );
    expect(linearizable).toBeGreaterThan(20);
  });
});
