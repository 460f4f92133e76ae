import { describe, expect, it } from "vitest";
import { MODELS } from "../models/index.js";
import { stressHistory } from "../testing/stress.js";
import { checkLinearizable } from "./check.js";

const counter = MODELS.get("counter")!;

describe("limits: unknown, never a guess", () => {
  it("a timeout ends the search with unknown (timeout) on time, with the prefix found so far", () => {
    const t0 = performance.now();
    const r = checkLinearizable(stressHistory(), counter, { timeoutMs: 100 });
    const ms = performance.now() - t0;
    expect(r.verdict).toBe("unknown");
    expect(r.partitions[0]!.reason).toBe("timeout");
    expect(r.partitions[0]!.stuck).toEqual([]);
    expect(r.partitions[0]!.linearized.length).toBeGreaterThan(0);
    expect(ms).toBeLessThan(2_000);
  });

  it("the cache budget ends the search with unknown (memory) instead of growing", () => {
    const before = process.memoryUsage().arrayBuffers;
    const r = checkLinearizable(stressHistory(), counter, {
      cacheBytesMax: 4 << 20,
      timeoutMs: 30_000,
    });
    expect(r.verdict).toBe("unknown");
    expect(r.partitions[0]!.reason).toBe("memory");
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
  });

  it("the same history without the impossible read is decided quickly", () => {
    const possible = stressHistory().filter((op) => op.output !== -1);
    expect(checkLinearizable(possible, counter, { timeoutMs: 5_000 }).verdict).toBe("ok");
  });

  it("a small version is decided: a violation after trying every subset", () => {
    const r = checkLinearizable(stressHistory(8), counter, { timeoutMs: 30_000 });
    expect(r.verdict).toBe("violation");
    expect(r.partitions[0]!.stuck.map((s) => s.id)).toEqual([9]);
  });
});
