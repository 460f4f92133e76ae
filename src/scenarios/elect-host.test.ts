import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../net/launcher.js";
import { freeBasePort } from "../net/testing/ports.js";

/**
 * Issue 5's real-process check: `cohort start --protocol elect-bully` runs
 * three node processes over TCP; killing the leader's process (SIGKILL, no
 * goodbye) gets another leader elected, in a newer epoch, by both survivors.
 * Needs `npx tsc -p .` first (it spawns dist/cli/main.js).
 */
const MAIN = join(PACKAGE_ROOT, "dist", "cli", "main.js");

let dataDir: string | undefined;
afterEach(() => {
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

interface Line {
  kind: string;
  node: number;
  pid?: number;
  event?: { type: string; leader?: number; epoch?: number };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("elect-bully over real processes", () => {
  it("killing the leader's process elects another leader in a newer epoch", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "cohort-elect-"));
    const basePort = await freeBasePort(3);
    const args = ["start", "--protocol", "elect-bully", "--nodes", "3", "--base-port"];
    const child = spawn(
      process.execPath,
      [MAIN, ...args, String(basePort), "--data", dataDir, "--duration", "20", "--json"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const lines: Line[] = [];
    let partial = "";
    child.stdout.on("data", (d: Buffer) => {
      partial += d.toString();
      const parts = partial.split("\n");
      partial = parts.pop() ?? "";
      for (const p of parts) if (p.startsWith("{")) lines.push(JSON.parse(p) as Line);
    });
    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const leaderOf = (node: number) =>
        lines.filter((l) => l.node === node && l.event?.type === "leader").at(-1)?.event;
      await until(
        () => [0, 1, 2].every((n) => leaderOf(n)?.leader === 2),
        15_000,
        "all three to follow n2",
      );
      const firstEpoch = leaderOf(2)?.epoch ?? 0;
      const pid = lines.find((l) => l.kind === "listening" && l.node === 2)?.pid;
      expect(pid).toBeGreaterThan(0);
      process.kill(pid ?? -1, "SIGKILL");
      await until(
        () => [0, 1].every((n) => leaderOf(n)?.leader === 1),
        10_000,
        "n0 and n1 to follow n1 after n2 was killed",
      );
      expect(leaderOf(0)?.epoch).toBe(leaderOf(1)?.epoch);
      expect(leaderOf(1)?.epoch).toBeGreaterThan(firstEpoch);
      expect(lines.some((l) => l.node === 1 && l.event?.type === "believe-leader")).toBe(true);
    } finally {
      child.kill("SIGINT");
      await exit;
    }
  }, 40_000);
});
