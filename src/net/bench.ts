import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cluster, PACKAGE_ROOT } from "./launcher.js";
import type { NodeLine } from "./lines.js";
import { freeBasePort } from "./testing/ports.js";
import { codec } from "./wire.js";

/** Settings of the real-host throughput benchmark. */
export interface NetBenchOptions {
  /** Separate two-process runs; the median is reported. */
  readonly runs: number;
  /** Measuring time of each run, from the first delivered message. */
  readonly durationMs: number;
  /** Unacknowledged messages the sender keeps in flight. */
  readonly windowMessages: number;
  /** The receiver acknowledges every this many messages. */
  readonly ackEvery: number;
}

/** What the benchmark measured. */
export interface NetBenchResult {
  /** Median over runs of messages delivered per second from one process to another. */
  readonly deliveredPerSec: number;
  /** Each run's figure, in run order. */
  readonly runsPerSec: readonly number[];
  /** Bytes of one message on the wire: its msgpack encoding (batch frames add 10 bytes per ~64 KiB). */
  readonly messageBytes: number;
  /**
   * Median over runs of messages per CPU-second of the busier process: what the
   * pair sustains when each process has a core to itself. The wall-clock figure
   * above falls below it when the machine is shared.
   */
  readonly perCpuSecPerSec: number;
  /** Per run: messages the sender encoded and the receiver decoded per CPU-second of each. */
  readonly cpuRuns: readonly {
    readonly senderPerCpuSec: number;
    readonly receiverPerCpuSec: number;
  }[];
  /** Messages dropped by the sender's transport over all runs (0 when flow control works). */
  readonly dropped: number;
  readonly options: NetBenchOptions;
}

/** Defaults: five runs of two seconds. */
export const NET_BENCH_DEFAULTS: NetBenchOptions = {
  runs: 5,
  durationMs: 2_000,
  windowMessages: 50_000,
  ackEvery: 1_000,
};

const FLOOD = join(PACKAGE_ROOT, "dist", "net", "testing", "flood.js");

/**
 * Small messages per second between two node processes on loopback through
 * the real host (batching, framing, msgpack, validation, the protocol's
 * handlers). Each run starts a fresh pair of processes running the `flood`
 * protocol; node 1 reports what it received in `durationMs`.
 */
export async function runNetBench(
  options: NetBenchOptions = NET_BENCH_DEFAULTS,
): Promise<NetBenchResult> {
  const runsPerSec: number[] = [];
  const cpuRuns: { senderPerCpuSec: number; receiverPerCpuSec: number }[] = [];
  let dropped = 0;
  for (let run = 0; run < options.runs; run++) {
    const dataDir = mkdtempSync(join(tmpdir(), "cohort-bench-net-"));
    const cluster = await Cluster.launch({
      nodes: 2,
      basePort: await freeBasePort(2),
      protocolModule: FLOOD,
      config: {
        windowMessages: options.windowMessages,
        ackEvery: options.ackEvery,
        durationMs: options.durationMs,
      },
      dataDir,
      statusMs: 100,
      logLevel: "warn",
    });
    try {
      const line = await cluster.waitFor(
        (l) => l.kind === "event" && l.event.type === "flood",
        options.durationMs + 30_000,
        0,
        "the receiver's flood report",
      );
      if (line.kind === "event") runsPerSec.push(Math.round(line.event.perSec as number));
      const status = await cluster.waitFor((l) => l.kind === "status" && l.node === 0, 5_000);
      if (status.kind === "status") for (const n of Object.values(status.dropped)) dropped += n;
      cpuRuns.push({
        senderPerCpuSec: perCpuSec(cluster.lines, 0, "sent"),
        receiverPerCpuSec: perCpuSec(cluster.lines, 1, "delivered"),
      });
    } finally {
      await cluster.stop(2_000);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const deliveredPerSec = median(runsPerSec);
  const busier = cpuRuns.map((r) => Math.min(r.senderPerCpuSec, r.receiverPerCpuSec));
  return {
    deliveredPerSec,
    runsPerSec,
    perCpuSecPerSec: median(busier),
    cpuRuns,
    messageBytes: codec.pack({ type: "d", n: 100_000 }).length,
    dropped,
    options,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Messages per CPU-second of node `node` while it was busy: over consecutive
 * status lines between which `field` grew, the growth divided by the CPU time
 * the process used. Needs no common clock between the two processes.
 */
function perCpuSec(lines: readonly NodeLine[], node: number, field: "sent" | "delivered"): number {
  let messages = 0;
  let cpuMs = 0;
  let previous: (NodeLine & { kind: "status" }) | undefined;
  for (const line of lines) {
    if (line.kind !== "status" || line.node !== node) continue;
    if (previous !== undefined && line[field] > previous[field]) {
      messages += line[field] - previous[field];
      cpuMs += line.cpuMs - previous.cpuMs;
    }
    previous = line;
  }
  return cpuMs === 0 ? 0 : Math.round((messages / cpuMs) * 1000);
}
