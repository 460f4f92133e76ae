import { describe, expect, it } from "vitest";
import type { Operation } from "../history.js";
import { MODELS } from "../models/index.js";
import type { LinearizabilityResult } from "../result.js";
import { generateHistory, kvExecutor } from "../testing/generate.js";
import { checkLinearizable } from "./check.js";
import { balance, checkLinearizableParallel, workerScript } from "./parallel.js";

const kv = MODELS.get("kv")!;
const withoutTimes = (r: LinearizabilityResult) => r.partitions.map(({ ms: _ms, ...rest }) => rest);

describe("parallel linearizability check", () => {
  it("finds the compiled worker (build dist/ first)", () => {
    expect(workerScript()).toMatch(/dist\/check\/linearizable\/worker\.js$/);
  });

  it("gives the single-threaded results, ok and violated, using a worker", async () => {
    const history = generateHistory(kvExecutor(30), {
      seed: 7,
      processes: 8,
      ops: 3000,
      infoRate: 0.02,
    });
    const gets = history.filter((op) => op.f === "get" && op.status === "ok" && op.output !== "");
    const victim = gets[gets.length >> 1]!;
    const corrupted = history.map(
      (op): Operation => (op === victim ? { ...op, output: "stale" } : op),
    );
    for (const h of [history, corrupted]) {
      const single = checkLinearizable(h, kv);
      const parallel = await checkLinearizableParallel(h, kv, "kv", {
        threads: 2,
        parallelOpsMin: 0,
        aloneMs: 0,
      });
      expect(parallel.workers).toBe(1);
      expect(parallel.verdict).toBe(single.verdict);
      expect(withoutTimes(parallel)).toEqual(withoutTimes(single));
    }
    expect(checkLinearizable(corrupted, kv).verdict).toBe("violation");
    const bad = checkLinearizable(corrupted, kv).partitions.find((p) => p.verdict === "violation")!;
    expect(bad.key).toBe(victim.key);
  });

  it("stays in this thread for small histories", async () => {
    const history = generateHistory(kvExecutor(5), { seed: 1, processes: 3, ops: 200 });
    const r = await checkLinearizableParallel(history, kv, "kv", { threads: 2 });
    expect(r.workers ?? 0).toBe(0);
    expect(r.verdict).toBe("ok");
  });

  it("balances partitions by size, largest first", () => {
    const part = (n: number) => ({ key: String(n), ops: new Array<Operation>(n) });
    const groups = balance([part(1), part(9), part(5), part(4)], 2);
    expect(groups).toEqual([
      [1, 0],
      [2, 3],
    ]);
  });
});
