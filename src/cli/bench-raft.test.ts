import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../net/launcher.js";

/**
 * `cohort bench raft` end to end on a tiny load: real processes (group commit
 * only, and etcd left out, since CI does not install it), figures that agree
 * with each other, and bad flags refused.
 */
const MAIN = join(PACKAGE_ROOT, "dist", "cli", "main.js");

function cohort(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, out, err })));
}

interface Run {
  ok: number;
  okPerSec: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuMsPerKiloPut: number;
}

describe("cohort bench raft", () => {
  it("measures Raft on real processes; a run's rate is its count over the window", async () => {
    const run = await cohort([
      "bench",
      "raft",
      "--clients",
      "4",
      "--repeats",
      "1",
      "--warmup-ms",
      "300",
      "--duration-ms",
      "1000",
      "--etcd",
      "off",
      "--group-commit",
      "on",
      "--json",
    ]);
    expect(run.code, run.err).toBe(0);
    const result = JSON.parse(run.out) as {
      systems: string[];
      etcd: string | null;
      rows: { clients: number; runs: Record<string, Run[]> }[];
    };
    expect(result.systems).toEqual(["raft"]);
    expect(result.etcd).toBeNull();
    expect(result.rows.map((r) => r.clients)).toEqual([4]);
    for (const system of result.systems) {
      const [r] = result.rows[0]?.runs[system] ?? [];
      expect(r?.ok, system).toBeGreaterThan(5);
      expect(r?.okPerSec).toBeCloseTo(r?.ok ?? 0, 0);
      expect(r?.p50Ms).toBeGreaterThan(0);
      expect(r?.p99Ms).toBeGreaterThanOrEqual(r?.p50Ms ?? 0);
      expect(r?.serverCpuMsPerKiloPut).toBeGreaterThan(0);
    }
  });

  it("refuses bad flags, naming them", async () => {
    const run = await cohort(["bench", "raft", "--group-commit", "maybe"]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/--group-commit: expected on, off or both, got "maybe"/);
    const clients = await cohort(["bench", "raft", "--clients", "1,x"]);
    expect(clients.code).toBe(2);
    expect(clients.err).toMatch(/--clients: expected integers in \[1, 4096\]/);
  });
});
