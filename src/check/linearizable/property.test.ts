import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { History, Operation } from "../history.js";
import type { AnyModel } from "../model.js";
import { MODELS } from "../models/index.js";
import { bruteForceLinearizable } from "../testing/brute.js";
import type { Executor } from "../testing/generate.js";
import {
  counterExecutor,
  generateHistory,
  kvExecutor,
  queueExecutor,
  registerExecutor,
  setExecutor,
} from "../testing/generate.js";
import { checkLinearizable } from "./check.js";

const cases: readonly [string, () => Executor<unknown>][] = [
  ["register", () => registerExecutor(false)],
  ["cas-register", () => registerExecutor(true)],
  ["etcd", () => registerExecutor(true)],
  ["kv", () => kvExecutor(3) as Executor<unknown>],
  ["counter", () => counterExecutor() as Executor<unknown>],
  ["queue", () => queueExecutor() as Executor<unknown>],
  ["set", () => setExecutor() as Executor<unknown>],
];

const model = (name: string): AnyModel => MODELS.get(name)!;

/** Replaces the output of the `index`-th successful read-like op with `value`. */
function corrupt(history: History, index: number, value: unknown): History | undefined {
  const reads = history.filter(
    (op) => op.status === "ok" && ["read", "get", "dequeue"].includes(op.f),
  );
  if (reads.length === 0) return undefined;
  const target = reads[index % reads.length]!;
  return history.map((op): Operation => (op === target ? { ...op, output: value } : op));
}

describe("histories of a real object are linearizable", () => {
  for (const [name, executor] of cases) {
    it(`${name}: every random concurrent schedule checks ok`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2 ** 31 }),
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 1, max: 60 }),
          fc.double({ min: 0, max: 0.3, noNaN: true }),
          (seed, processes, ops, infoRate) => {
            const history = generateHistory(executor(), { seed, processes, ops, infoRate });
            const result = checkLinearizable(history, model(name));
            expect(result.verdict).toBe("ok");
            // A full linearization: every determinate op that was kept is in it exactly once.
            const ids = result.partitions.flatMap((p) => p.linearized);
            expect(new Set(ids).size).toBe(ids.length);
          },
        ),
        { numRuns: 40 },
      );
    });
  }
});

describe("a single corrupted read: the search agrees with brute force", () => {
  const values: Record<string, fc.Arbitrary<unknown>> = {
    register: fc.constantFrom(null, 0, 1, 2, 3),
    "cas-register": fc.constantFrom(null, 0, 1, 2, 3),
    etcd: fc.constantFrom(null, 0, 1, 2, 3),
    kv: fc.constantFrom("", "x0 ", "x1 ", "x0 x1 ", "x2 "),
    counter: fc.integer({ min: 0, max: 8 }),
    queue: fc.constantFrom(null, 0, 1, 2),
    set: fc.constantFrom([], [0], [1], [0, 1], [0, 1, 2]),
  };
  for (const [name, executor] of cases) {
    const value = values[name];
    if (value === undefined) continue;
    it(`${name}: same verdict as trying every real-time-respecting order`, () => {
      let violations = 0;
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2 ** 31 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 2, max: 7 }),
          fc.nat(),
          value,
          (seed, processes, ops, which, replacement) => {
            const base = generateHistory(executor(), { seed, processes, ops, infoRate: 0.2 });
            const history = corrupt(base, which, replacement);
            if (history === undefined) return;
            const expected = bruteForceLinearizable(history, model(name)) ? "ok" : "violation";
            if (expected === "violation") violations++;
            expect(checkLinearizable(history, model(name)).verdict).toBe(expected);
            expect(checkLinearizable(history, model(name), { partition: false }).verdict).toBe(
              expected,
            );
          },
        ),
        { numRuns: 100 },
      );
      // The property must exercise both verdicts, or it proves little.
      expect(violations).toBeGreaterThan(0);
    });
  }
});

describe("indeterminate-heavy histories: the prunings agree with brute force", () => {
  // Many timed-out writes and cas: exercises eager reads, twins and overwritten guesses together.
  for (const name of ["register", "etcd", "kv"]) {
    it(`${name}: corrupted or not, same verdict as every real-time-respecting order`, () => {
      const executor =
        name === "kv"
          ? () => kvExecutor(1) as Executor<unknown>
          : () => registerExecutor(name === "etcd", 2);
      let violations = 0;
      let oks = 0;
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2 ** 31 }),
          fc.integer({ min: 2, max: 5 }),
          fc.integer({ min: 3, max: 7 }),
          fc.nat(),
          fc.boolean(),
          (seed, processes, ops, which, doCorrupt) => {
            const base = generateHistory(executor(), { seed, processes, ops, infoRate: 0.7 });
            const replacement = name === "kv" ? "x0 " : which % 3;
            const history = doCorrupt ? (corrupt(base, which, replacement) ?? base) : base;
            const expected = bruteForceLinearizable(history, model(name)) ? "ok" : "violation";
            if (expected === "violation") violations++;
            else oks++;
            expect(checkLinearizable(history, model(name)).verdict).toBe(expected);
          },
        ),
        { numRuns: 150 },
      );
      expect(violations).toBeGreaterThan(0);
      expect(oks).toBeGreaterThan(0);
    });
  }
});
