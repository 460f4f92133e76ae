import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cluster } from "../net/launcher.js";
import { freeBasePort } from "../net/testing/ports.js";
import type { LatencySummary } from "../raft/load-stats.js";

/** What one measured run saw: puts that returned ok in the window, per second, and their latency. */
export interface LoadRun extends LatencySummary {
  readonly ok: number;
  readonly fail: number;
  readonly okPerSec: number;
  /**
   * CPU milliseconds the servers used (all of them, user + system) per 1,000
   * puts that returned ok in the window: what a put costs, whatever else the
   * machine was doing. NaN where /proc cannot be read.
   */
  readonly serverCpuMsPerKiloPut: number;
  /** The same for the load generator (the driver process, or the bench process for etcd). */
  readonly clientCpuMsPerKiloPut: number;
}

let clockTicksPerSec: number | undefined;

/** User + system CPU milliseconds process `pid` has used so far (Linux /proc), or NaN. */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    clockTicksPerSec ??=
      Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    return ((Number(fields[11]) + Number(fields[12])) / clockTicksPerSec) * 1000;
  } catch {
    return Number.NaN;
  }
}

/** Calls `sample` after `fromMs` and after `toMs` (from now); resolves with the difference of the two readings. */
export function sampleBetween(fromMs: number, toMs: number, sample: () => number): Promise<number> {
  return new Promise((resolve) => {
    let first = Number.NaN;
    setTimeout(() => {
      first = sample();
    }, fromMs).unref();
    setTimeout(() => resolve(sample() - first), toMs).unref();
  });
}

/** One run of cohort's Raft under a put load. */
export interface RaftLoadOptions {
  readonly servers: number;
  readonly clients: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly keys: number;
  readonly valueBytes: number;
  /** More `raft-load` config fields (e.g. Raft's own). */
  readonly config?: Readonly<Record<string, unknown>>;
}

/**
 * Starts `servers` Raft processes and one load-driver process (`raft-load`,
 * real TCP on loopback, file storage that fsyncs, fresh data directories),
 * waits for the driver's `loadResult`, stops everything and removes the data.
 */
export async function runRaftLoad(o: RaftLoadOptions): Promise<LoadRun> {
  const dataDir = mkdtempSync(join(tmpdir(), "cohort-bench-raft-"));
  const nodes = o.servers + 1;
  const cluster = await Cluster.launch({
    nodes,
    basePort: await freeBasePort(nodes),
    protocol: "raft-load",
    config: {
      servers: o.servers,
      clients: o.clients,
      workload: "puts",
      keys: o.keys,
      valueBytes: o.valueBytes,
      warmupMs: o.warmupMs,
      durationMs: o.durationMs,
      reportMs: 0,
      recordOps: false,
      ...o.config,
    },
    dataDir,
    statusMs: 1_000,
    logLevel: "warn",
  });
  const servers = Array.from({ length: o.servers }, (_, id) => id);
  // The driver measures from warmupMs after its start (the `ready` just seen) for durationMs.
  const cpu = sampleBetween(o.warmupMs, o.warmupMs + o.durationMs, () =>
    servers.reduce((sum, id) => sum + processCpuMs(cluster.pid(id)), 0),
  );
  const clientCpu = sampleBetween(o.warmupMs, o.warmupMs + o.durationMs, () =>
    processCpuMs(cluster.pid(o.servers)),
  );
  try {
    const line = await cluster.waitFor(
      (l) => l.kind === "event" && l.event.type === "loadResult",
      o.warmupMs + o.durationMs + 60_000,
      0,
      "the driver's loadResult",
    );
    if (line.kind !== "event") throw new Error("unreachable: loadResult is an event");
    const e = line.event;
    const num = (field: string): number => {
      const value = e[field];
      // JSON turns NaN (no sample) into null.
      return typeof value === "number" ? value : Number.NaN;
    };
    const perKiloPut = (cpuMs: number): number => Math.round((cpuMs / num("ok")) * 1000 * 10) / 10;
    return {
      serverCpuMsPerKiloPut: perKiloPut(await cpu),
      clientCpuMsPerKiloPut: perKiloPut(await clientCpu),
      ok: num("ok"),
      fail: num("fail") + num("info"),
      okPerSec: num("okPerSec"),
      samples: num("samples"),
      p50Ms: num("p50Ms"),
      p90Ms: num("p90Ms"),
      p99Ms: num("p99Ms"),
      maxMs: num("maxMs"),
      meanMs: num("meanMs"),
    };
  } finally {
    await cluster.stop(2_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
