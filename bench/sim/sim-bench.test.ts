import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** The package root: two folders up from bench/sim. */
const ROOT = resolve(import.meta.dirname, "..", "..");
const CLI = join(ROOT, "dist", "cli", "main.js");

describe("cohort bench sim", () => {
  it("runs a tiny benchmark and prints the JSON fields", () => {
    expect(existsSync(CLI), `${CLI} missing: build first (npx tsc -p .)`).toBe(true);
    const out = execFileSync(process.execPath, [CLI, "bench", "sim", "--quick", "--json"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    const result = JSON.parse(out) as Record<string, unknown>;
    for (const field of [
      "deliveredPerSec",
      "bareDeliveredPerSec",
      "bytesPerNode",
      "bytesPerInFlightMessage",
    ]) {
      expect(typeof result[field], field).toBe("number");
      expect(result[field] as number, field).toBeGreaterThan(0);
    }
    expect(typeof result.ratioToBare).toBe("number");
  });

  it("rejects an unknown benchmark with exit code 2", () => {
    let status: number | null = null;
    try {
      execFileSync(process.execPath, [CLI, "bench", "nope"], { encoding: "utf8", stdio: "pipe" });
    } catch (error) {
      status = (error as { status: number | null }).status;
    }
    expect(status).toBe(2);
  });
});
