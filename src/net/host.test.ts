import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { Cluster, type LaunchOptions, NODE_PROCESS_JS, PACKAGE_ROOT } from "./launcher.js";
import { type NodeLine, parseNodeLine } from "./lines.js";
import { freeBasePort } from "./testing/ports.js";

/**
 * What only the real host must do, on real processes over loopback TCP, beyond
 * the shared host contract (host-contract.test.ts: delivery, timers, storage
 * across restarts): transport status, a torn tail cut on a real restart,
 * reconnection after SIGKILL, graceful SIGTERM, metrics, the start barrier.
 * Needs the compiled dist/ (npm test builds it first).
 */
const PROBE = join(PACKAGE_ROOT, "dist", "net", "testing", "probe.js");

let cluster: Cluster | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await cluster?.stop(1_000);
  cluster = undefined;
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

async function launch(
  nodes: number,
  config: Record<string, unknown> = {},
  extraArgs: string[] = [],
): Promise<Cluster> {
  dataDir = mkdtempSync(join(tmpdir(), "cohort-host-"));
  const options: LaunchOptions = {
    nodes,
    basePort: await freeBasePort(nodes),
    protocolModule: PROBE,
    config,
    dataDir,
    statusMs: 100,
    logLevel: "info",
    extraArgs,
  };
  cluster = await Cluster.launch(options);
  return cluster;
}

const isEvent =
  (node: number, type: string, fields: Record<string, unknown> = {}) =>
  (line: NodeLine): boolean =>
    line.kind === "event" &&
    line.node === node &&
    line.event.type === type &&
    Object.entries(fields).every(([k, v]) => line.event[k] === v);

describe("real host (probe protocol on loopback)", () => {
  it("delivers messages between processes and fires timers", async () => {
    const c = await launch(3, { pingEveryMs: 25 });
    for (const node of [0, 1, 2]) {
      for (const peer of [0, 1, 2]) {
        if (peer !== node)
          await c.waitFor(isEvent(node, "heard", { peer }), 20_000, 0, `n${node} hears n${peer}`);
      }
      const tick = await c.waitFor(isEvent(node, "firstTick"), 20_000);
      expect(tick.kind === "event" && (tick.event.afterMs as number)).toBeGreaterThanOrEqual(24);
    }
    const status = await c.waitFor(
      (l) => l.kind === "status" && l.node === 0 && l.delivered > 10,
      20_000,
    );
    expect(status.kind === "status" && status.connected).toEqual([1, 2]);
    expect(status.kind === "status" && status.rejected).toEqual({});
  });

  it("serves Prometheus metrics on loopback when asked", async () => {
    const c = await launch(2, {}, ["--metrics-port", "0"]);
    const ready = c.lines.find((l) => l.kind === "ready" && l.node === 0);
    const port = ready?.kind === "ready" ? ready.metricsPort : undefined;
    expect(port).toBeGreaterThan(0);
    await c.waitFor((l) => l.kind === "status" && l.node === 0 && l.delivered > 0, 20_000);
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const delivered = /^cohort_net_delivered\{node="n0"\} (\d+)$/m.exec(text);
    expect(Number(delivered?.[1])).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });

  it("recovers from a torn storage tail on restart and reports it", async () => {
    const c = await launch(2, { syncBoots: true });
    await c.waitFor(isEvent(1, "boot", { boots: 0 }), 20_000);
    let from = c.lines.length;
    await c.restart(1);
    await c.waitFor(isEvent(1, "boot", { boots: 1 }), 20_000, from);
    const log = join(dataDir ?? "", "n1", "storage.log");
    const sizeBytes = readFileSync(log).length;
    from = c.lines.length;
    // Two synced records (boots=1, boots=2); cut the second one mid-record, as a crash mid-write would.
    await c.restart(1, { whileDown: () => truncateSync(log, sizeBytes - 3) });
    const boot = await c.waitFor(isEvent(1, "boot"), 20_000, from);
    expect(boot.kind === "event" && boot.event).toMatchObject({
      boots: 1,
      recovered: true,
      recovery: { recordsRecovered: 1, recordsTruncated: 1 },
    });
    const reason = boot.kind === "event" ? (boot.event.recovery as { reason?: string }).reason : "";
    expect(reason).toMatch(/^torn record at byte \d+: \d+ of \d+ payload bytes$/);
  });

  it("reconnects to a peer that was killed and restarted", async () => {
    const c = await launch(2, { pingEveryMs: 20, silentAfterMs: 500 });
    await c.waitFor(isEvent(0, "heard", { peer: 1 }), 20_000);
    c.signal(1, "SIGKILL");
    const silentAt = await c.waitFor(isEvent(0, "silent", { peer: 1 }), 20_000);
    const from = c.lines.indexOf(silentAt);
    await c.restart(1);
    await c.waitFor(isEvent(0, "heard", { peer: 1 }), 20_000, from, "n0 hears n1 again");
    await c.waitFor(isEvent(1, "heard", { peer: 0 }), 20_000, from, "restarted n1 hears n0");
  });

  it("stops gracefully on SIGTERM: the protocol's stop runs, peers hear it, exit 0", async () => {
    const c = await launch(2);
    await c.waitFor(isEvent(0, "heard", { peer: 1 }), 20_000);
    const codes = await c.stop(3_000);
    expect(codes).toEqual([0, 0]);
    expect(c.lines.some(isEvent(0, "leaving"))).toBe(true);
    expect(c.lines.some((l) => l.kind === "stopped" && l.node === 1)).toBe(true);
    expect(
      c.lines.some(isEvent(1, "bye", { peer: 0 })) || c.lines.some(isEvent(0, "bye", { peer: 1 })),
    ).toBe(true);
  });

  it("drops (and counts) messages that arrive before the protocol starts, without crashing", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "cohort-host-"));
    const basePort = await freeBasePort(2);
    const common = ["--nodes", "2", "--base-port", String(basePort), "--data", dataDir];
    const args = (id: number, gated: boolean): string[] => [
      NODE_PROCESS_JS,
      "--id",
      String(id),
      ...common,
      "--protocol-module",
      PROBE,
      "--status-ms",
      "50",
      ...(gated ? ["--start-on-stdin"] : []),
    ];
    const gated = spawn(process.execPath, args(0, true), { stdio: ["pipe", "pipe", "inherit"] });
    const free = spawn(process.execPath, args(1, false), {
      stdio: ["ignore", "ignore", "inherit"],
    });
    const lines: NodeLine[] = [];
    createInterface({ input: gated.stdout }).on("line", (text) => {
      const line = parseNodeLine(text);
      if (line !== undefined) lines.push(line);
    });
    try {
      await expect
        .poll(() => lines.some((l) => l.kind === "listening"), { timeout: 20_000 })
        .toBe(true);
      // n1 pings the listening but not yet started n0 for a while.
      await new Promise((r) => setTimeout(r, 500));
      gated.stdin.write("go\n");
      await expect
        .poll(() => lines.find((l) => l.kind === "status")?.kind === "status", { timeout: 20_000 })
        .toBe(true);
      const status = lines.find((l) => l.kind === "status");
      expect(status?.kind === "status" && (status.dropped.notStarted ?? 0)).toBeGreaterThan(0);
      expect(gated.exitCode).toBeNull();
    } finally {
      gated.kill("SIGKILL");
      free.kill("SIGKILL");
    }
  });

  it("a node waiting at the start barrier exits when its launcher goes away or on SIGTERM", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "cohort-host-"));
    const basePort = await freeBasePort(2);
    const start = (id: number) => {
      const child = spawn(
        process.execPath,
        [NODE_PROCESS_JS, "--id", String(id), "--nodes", "2", "--base-port", String(basePort)]
          .concat(["--data", dataDir ?? "", "--protocol-module", PROBE])
          .concat(["--start-on-stdin", "--exit-with-stdin"]),
        { stdio: ["pipe", "pipe", "inherit"] },
      );
      const exit = new Promise<number | null>((resolve) =>
        child.on("exit", (code) => resolve(code)),
      );
      const listening = new Promise<void>((resolve) =>
        createInterface({ input: child.stdout }).on("line", (text) => {
          if (parseNodeLine(text)?.kind === "listening") resolve();
        }),
      );
      return { child, exit, listening };
    };
    const a = start(0);
    const b = start(1);
    await Promise.all([a.listening, b.listening]);
    a.child.stdin.end();
    b.child.kill("SIGTERM");
    expect(await a.exit).toBe(0);
    expect(await b.exit).toBe(0);
  });
});
