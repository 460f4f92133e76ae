import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../net/launcher.js";
import { type NodeLine, parseNodeLine } from "../net/lines.js";
import { freeBasePort } from "../net/testing/ports.js";

/**
 * The commands docs/raft.md shows for Raft on real processes: `cohort start
 * --raft` elects a leader among three processes and keeps the term on disk
 * across runs; `cohort start --protocol raft-load --nodes 4` adds a load
 * driver whose clients commit puts and report throughput and latency.
 */
const MAIN = join(PACKAGE_ROOT, "dist", "cli", "main.js");

let dataDir: string | undefined;
afterEach(() => {
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

async function start(
  args: string[],
): Promise<{ code: number | null; lines: NodeLine[]; err: string }> {
  const child = spawn(process.execPath, [MAIN, "start", "--json", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const code = await new Promise<number | null>((done) => child.on("exit", done));
  const lines = out
    .trim()
    .split("\n")
    .flatMap((text) => {
      const line = parseNodeLine(text);
      return line === undefined ? [] : [line];
    });
  return { code, lines, err };
}

const leaders = (lines: readonly NodeLine[]): number[] =>
  lines.flatMap((l) =>
    l.kind === "event" && l.event.type === "raftRole" && l.event.role === "leader"
      ? [Number(l.event.term)]
      : [],
  );

describe("cohort start with Raft", () => {
  it("--raft: three processes elect a leader; a second run on the same data starts from the synced term", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "cohort-start-raft-"));
    const args = ["--raft", "--duration", "1", "--data", dataDir];
    const first = await start([...args, "--base-port", String(await freeBasePort(3))]);
    expect(first.code, first.err).toBe(0);
    const firstTerms = leaders(first.lines);
    expect(firstTerms.length).toBeGreaterThan(0);
    const second = await start([...args, "--base-port", String(await freeBasePort(3))]);
    expect(second.code, second.err).toBe(0);
    const ready = second.lines.filter((l) => l.kind === "ready");
    expect(ready.every((l) => l.kind === "ready" && l.recovered)).toBe(true);
    expect(Math.min(...leaders(second.lines))).toBeGreaterThan(Math.max(...firstTerms));
  });

  it("--protocol raft-load --nodes 4: the driver's clients commit puts and report their latency", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "cohort-start-raft-load-"));
    const run = await start([
      "--protocol",
      "raft-load",
      "--nodes",
      "4",
      "--duration",
      "3",
      "--data",
      dataDir,
      "--base-port",
      String(await freeBasePort(4)),
      "--config",
      JSON.stringify({ clients: 4, warmupMs: 300, durationMs: 1000 }),
    ]);
    expect(run.code, run.err).toBe(0);
    const result = run.lines.find((l) => l.kind === "event" && l.event.type === "loadResult");
    expect(result?.node).toBe(3);
    const e: Record<string, unknown> = result?.kind === "event" ? result.event : {};
    expect(e).toMatchObject({ clients: 4, workload: "puts", measuredMs: 1000, fail: 0 });
    expect(Number(e.ok)).toBeGreaterThan(10);
    expect(Number(e.okPerSec)).toBeCloseTo(Number(e.ok) / 1, 0);
    expect(Number(e.p50Ms)).toBeGreaterThan(0);
    expect(Number(e.p99Ms)).toBeGreaterThanOrEqual(Number(e.p50Ms));
  });

  it("refuses a raft-load config it cannot run, naming the field", async () => {
    const run = await start(["--protocol", "raft-load", "--config", '{"clients":0}']);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/--config: clients: expected an integer in \[1, 4096\], got 0/);
  });
});
