import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../net/launcher.js";
import { freeBasePort } from "../net/testing/ports.js";

/**
 * Issue 5's real-process check, for every algorithm: `cohort start --elect
 * NAME` runs three node processes over TCP; once all three follow one leader
 * in one epoch, killing that leader's process (SIGKILL, no goodbye) gets
 * another leader elected, in a newer epoch, that both survivors follow.
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

async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("leader election over real processes", () => {
  for (const name of ["bully", "ring", "next-in-line", "candidate", "invitation"]) {
    it(`${name}: killing the leader's process elects another that both survivors follow, in a newer epoch`, async () => {
      dataDir = mkdtempSync(join(tmpdir(), "cohort-elect-"));
      const basePort = await freeBasePort(3);
      const args = ["start", "--elect", name, "--nodes", "3", "--base-port", String(basePort)];
      const child = spawn(
        process.execPath,
        [MAIN, ...args, "--data", dataDir, "--duration", "25", "--json"],
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
      const exit = new Promise<number | null>((resolve) =>
        child.on("exit", (code) => resolve(code)),
      );
      try {
        const viewOf = (node: number) => {
          const last = lines
            .filter((l) => l.node === node && (l.event?.type ?? "").startsWith("leader"))
            .at(-1)?.event;
          return last?.type === "leader" ? `${last.leader}@${last.epoch}` : undefined;
        };
        const agreed = (nodes: number[]) => {
          const views = nodes.map(viewOf);
          return views[0] !== undefined && views.every((v) => v === views[0]);
        };
        const views = () =>
          `(views: ${[0, 1, 2].map((id) => `n${id} ${viewOf(id) ?? "none"}`).join(", ")})`;
        await until(
          () => agreed([0, 1, 2]),
          20_000,
          () => `all three to follow one leader ${views()}`,
        );
        const [leader, epoch] = (viewOf(0) ?? "").split("@").map(Number) as [number, number];
        const pid = lines.find((l) => l.kind === "listening" && l.node === leader)?.pid;
        expect(pid).toBeGreaterThan(0);
        process.kill(pid ?? -1, "SIGKILL");
        const rest = [0, 1, 2].filter((id) => id !== leader);
        await until(
          () => agreed(rest) && !(viewOf(rest[0] ?? 0) ?? "").startsWith(`${leader}@`),
          15_000,
          () =>
            `n${rest.join(" and n")} to follow one new leader after n${leader} was killed ${views()}`,
        );
        const [next, nextEpoch] = (viewOf(rest[0] ?? 0) ?? "").split("@").map(Number);
        expect(rest).toContain(next);
        expect(nextEpoch).toBeGreaterThan(epoch);
        expect(lines.some((l) => l.node === next && l.event?.type === "believe-leader")).toBe(true);
      } finally {
        child.kill("SIGINT");
        await exit;
      }
    }, 45_000);
  }
});
