/**
 * The ladder of models, checked across checkers on random small register
 * histories: linearizable ⇒ sequentially consistent ⇒ CC, CM, CCv and every
 * session guarantee (for reads and writes with unique values). Each checker
 * is decided independently, so a bug in one shows up as a broken rung.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import { checkCausal } from "./causal.js";
import type { History, Operation } from "./history.js";
import { checkLinearizable } from "./linearizable/check.js";
import type { AnyModel } from "./model.js";
import { MODELS } from "./models/index.js";
import { checkSequential } from "./sequential.js";
import { checkSessionGuarantees } from "./session.js";

const register = MODELS.get("register") as AnyModel;

/** Overlapping writes of unique values and reads returning any written value or nil, over two keys. */
const histories = fc
  .array(
    fc.record({
      process: fc.nat(2),
      key: fc.constantFrom("x", "y"),
      write: fc.boolean(),
      pick: fc.nat(6),
      start: fc.nat(12),
      len: fc.nat(5),
    }),
    { minLength: 1, maxLength: 9 },
  )
  .map((steps): History => {
    const free = [0, 0, 0];
    let value = 0;
    const ops = steps.map((step) => {
      const call = Math.max(free[step.process] as number, step.start);
      const ret = call + 1 + step.len;
      free[step.process] = ret + 1;
      if (step.write) {
        value++;
        return {
          process: step.process,
          key: step.key,
          f: "write",
          input: value,
          output: value,
          call,
          ret,
        };
      }
      const seen = step.pick === 0 || step.pick > value ? null : step.pick;
      return {
        process: step.process,
        key: step.key,
        f: "read",
        input: null,
        output: seen,
        call,
        ret,
      };
    });
    ops.sort((a, b) => a.call - b.call);
    return ops.map((op, id): Operation => ({ ...op, id, status: "ok" }));
  });

it("linearizable ⇒ sequential ⇒ causal (CC, CM, CCv) and session guarantees", () => {
  const rungs = { linearizable: 0, sequential: 0, notSequential: 0 };
  fc.assert(
    fc.property(histories, (h) => {
      const sequential = checkSequential(h, register, { tryLinearizable: false }).verdict;
      if (checkLinearizable(h, register).verdict === "ok") {
        rungs.linearizable++;
        expect(sequential).toBe("ok");
      }
      if (sequential !== "ok") {
        rungs.notSequential++;
        return;
      }
      rungs.sequential++;
      const causal = checkCausal(h);
      expect(causal.models).toEqual({
        CC: { holds: true },
        CM: { holds: true },
        CCv: { holds: true },
      });
      const session = checkSessionGuarantees(h);
      expect(session.verdict).toBe("ok");
    }),
    { numRuns: 500 },
  );
  // every rung must be exercised, or the property proves little
  expect(rungs.linearizable).toBeGreaterThan(30);
  expect(rungs.sequential).toBeGreaterThan(rungs.linearizable);
  expect(rungs.notSequential).toBeGreaterThan(30);
});

it("every checker accepts the empty history", () => {
  expect(checkLinearizable([], register).verdict).toBe("ok");
  expect(checkSequential([], register).verdict).toBe("ok");
  expect(checkSequential([], register, { tryLinearizable: false }).verdict).toBe("ok");
  expect(checkCausal([]).verdict).toBe("ok");
  expect(checkSessionGuarantees([]).verdict).toBe("ok");
});
