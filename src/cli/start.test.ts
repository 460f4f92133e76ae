import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../net/launcher.js";
import { parseNodeLine } from "../net/lines.js";
import { freeBasePort } from "../net/testing/ports.js";

/**
 * `cohort start` as a user runs it: a real cluster comes up, its status is
 * shown, SIGINT (Ctrl-C) stops every node, frees the ports and exits 0; bad
 * flags exit 2 with a message naming the flag.
 */
const MAIN = join(PACKAGE_ROOT, "dist", "cli", "main.js");

let dataDir: string | undefined;
afterEach(() => {
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
}

function cohort(args: string[]): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen({ host: "127.0.0.1", port }, () => s.close(() => resolve(true)));
  });
}

describe("cohort start", () => {
  it("runs a heartbeat cluster, shows each node's view, and exits 0 on SIGINT with ports freed", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "cohort-start-"));
    const basePort = await freeBasePort(3);
    const run = cohort([
      "start",
      "--nodes",
      "3",
      "--base-port",
      String(basePort),
      "--data",
      dataDir,
    ]);
    await until(() => /n2 +\d+ +up/.test(run.out()), 45_000, "the status table with n2 up");
    expect(run.out()).toMatch(/^cohort start: 3 × heartbeat on 127\.0\.0\.1:/);
    expect(run.out()).toMatch(/n0 +\d+ +up .*all trusted/);
    expect(await portFree(basePort)).toBe(false);
    run.child.kill("SIGINT");
    expect(await run.exit).toBe(0);
    expect(run.out()).toMatch(
      /stopped after [\d.]+ s; exit codes n0=0 n1=0 n2=0; ports freed\.\n$/,
    );
    for (let i = 0; i < 3; i++) expect(await portFree(basePort + i)).toBe(true);
  });

  it("nodes stop by themselves when cohort start is killed (no orphans)", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "cohort-start-"));
    const basePort = await freeBasePort(2);
    const run = cohort([
      "start",
      "--json",
      "--nodes",
      "2",
      "--base-port",
      String(basePort),
      "--data",
      dataDir,
    ]);
    await until(
      () => (run.out().match(/"kind":"ready"/g) ?? []).length === 2,
      45_000,
      "two ready lines",
    );
    const pids = run
      .out()
      .split("\n")
      .map(parseNodeLine)
      .flatMap((l) => (l?.kind === "ready" ? [l.pid] : []));
    expect(pids).toHaveLength(2);
    run.child.kill("SIGKILL");
    await run.exit;
    await until(() => pids.every((pid) => !alive(pid)), 20_000, "the nodes to exit");
    for (let i = 0; i < 2; i++) expect(await portFree(basePort + i)).toBe(true);
  });

  it("Ctrl-C while the nodes are starting exits 0 and leaves none running", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "cohort-start-"));
    const basePort = await freeBasePort(2);
    const run = cohort([
      "start",
      "--json",
      "--nodes",
      "2",
      "--base-port",
      String(basePort),
      "--data",
      dataDir,
    ]);
    await until(() => run.out().includes('"kind":"listening"'), 45_000, "a listening line");
    const pids = run
      .out()
      .split("\n")
      .map(parseNodeLine)
      .flatMap((l) => (l?.kind === "listening" ? [l.pid] : []));
    run.child.kill("SIGINT");
    expect(await run.exit).toBe(0);
    await until(() => pids.every((pid) => !alive(pid)), 20_000, "the nodes to exit");
  });

  it("--json streams node lines and ends with a summary; --duration stops it", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "cohort-start-"));
    const basePort = await freeBasePort(2);
    const args = [
      "start",
      "--json",
      "--nodes",
      "2",
      "--duration",
      "2",
      "--base-port",
      String(basePort),
    ];
    const run = cohort([
      ...args,
      "--data",
      dataDir,
      "--config",
      '{"intervalMs":20,"deadlineMs":100}',
    ]);
    expect(await run.exit).toBe(0);
    const lines = run.out().trim().split("\n");
    const summary = JSON.parse(lines.at(-1) ?? "{}");
    expect(summary).toMatchObject({
      kind: "summary",
      nodes: 2,
      protocol: "heartbeat",
      exitCodes: [0, 0],
    });
    const nodeLines = lines.slice(0, -1).map(parseNodeLine);
    expect(nodeLines.every((l) => l !== undefined)).toBe(true);
    expect(
      nodeLines
        .filter((l) => l?.kind === "ready")
        .map((l) => l?.node)
        .sort(),
    ).toEqual([0, 1]);
    expect(nodeLines.some((l) => l?.kind === "status" && l.delivered > 0)).toBe(true);
  });

  it("bad flags exit 2 with a message naming the flag", async () => {
    const cases: [string[], RegExp][] = [
      [["--nodes", "0"], /^cohort start: --nodes: expected 1\.\.64, got 0\n$/],
      [
        ["--protocol", "nope"],
        /^cohort start: --protocol: unknown protocol "nope" \(known: .*heartbeat/,
      ],
      [["--bogus"], /^cohort start: Unknown option '--bogus'/],
      [
        ["--config", '{"intervalMs":0}'],
        /^cohort start: --config: intervalMs: expected an integer/,
      ],
      [["--config", "{"], /^cohort start: --config: not JSON/],
      [["--base-port", "x"], /^cohort start: --base-port: expected an integer, got "x"/],
      [
        ["--tls-dir", "/nonexistent"],
        /^cohort start: --tls-dir: \/nonexistent lacks ca\.pem, n0\.pem, n0\.key/,
      ],
    ];
    const runs = cases.map(([args]) => cohort(["start", ...args]));
    for (const [i, [args, message]] of cases.entries()) {
      const run = runs[i] as Run;
      expect(await run.exit, args.join(" ")).toBe(2);
      expect(run.err()).toMatch(message);
    }
  });
});
