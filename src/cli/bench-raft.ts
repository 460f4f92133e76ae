import type { Benchmark } from "./bench.js";
import { etcdVersion, runEtcdLoad } from "./bench-raft-etcd.js";
import { type LoadRun, runRaftLoad } from "./bench-raft-run.js";
import { EXIT, intFlag, parseFlags, UsageError } from "./command.js";

const HELP = `cohort bench raft [options]   (cohort bench raft --usage prints this)

Committed puts per second and their latency on real processes: 3 Raft servers
and one load-driver process (protocol raft-load) on loopback, real TCP, file
storage that fsyncs before anything is acknowledged. For each client count, a
fresh cluster per repeat and system (runs interleaved); puts returning in the measuring window count, and
the medians over repeats are reported. When etcd is installed, a fresh
3-member etcd on loopback gets the same closed-loop put load in the same run,
right after each of ours, over its v3 JSON gateway, and the ratios are shown.

Options:
  --clients LIST     concurrent clients, comma-separated (default 1,16,256)
  --repeats N        runs per client count and system (default 3)
  --warmup-ms MS     not measured at the start of a run (default 1000)
  --duration-ms MS   measuring window of a run (default 5000)
  --value-bytes B    length of each put's value (default 256)
  --keys N           keys the puts spread over (default 1000)
  --etcd PATH|off    the etcd binary to compare with (default etcd)
  --group-commit on|off|both
                     Raft servers sync once per burst of messages (on), once per
                     message as cohort start --raft does (off), or run both (default)
  --json             one JSON object instead of the table
`;

/** The systems measured, in the order of each repeat. */
type System = "raft" | "raftSync" | "etcd";

/** What each system is called in the table. */
const TITLE: Record<System, string> = {
  raft: "raft, group commit",
  raftSync: "raft, fsync per msg",
  etcd: "etcd",
};

/** Every system's runs for one client count. */
interface Row {
  readonly clients: number;
  readonly runs: Record<System, LoadRun[]>;
}

function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Medians over runs of throughput and latency. */
function medians(runs: readonly LoadRun[]): {
  okPerSec: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuMsPerKiloPut: number;
  clientCpuMsPerKiloPut: number;
} {
  return {
    okPerSec: median(runs.map((r) => r.okPerSec)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    serverCpuMsPerKiloPut: median(runs.map((r) => r.serverCpuMsPerKiloPut)),
    clientCpuMsPerKiloPut: median(runs.map((r) => r.clientCpuMsPerKiloPut)),
  };
}

function parseClients(text: string | undefined): number[] {
  const list = (text ?? "1,16,256").split(",").map((s) => Number(s.trim()));
  for (const n of list) {
    if (!Number.isSafeInteger(n) || n < 1 || n > 4096) {
      throw new UsageError(
        `--clients: expected integers in [1, 4096], got ${JSON.stringify(text)}`,
      );
    }
  }
  return list;
}

const fmt = (x: number, digits = 1): string =>
  Number.isNaN(x) ? "-" : x.toLocaleString("en-US", { maximumFractionDigits: digits });

function format(
  rows: readonly Row[],
  systems: readonly System[],
  etcd: string | undefined,
  settings: string,
): string {
  const out = [
    `raft on real processes: 3 servers + 1 load driver on loopback, fsync on (${settings})`,
    `${"".padStart(7)}${systems.map((sys) => `  | ${TITLE[sys].padEnd(44)}`).join("")}${etcd === undefined ? "" : "  | raft/etcd"}`,
    `${"clients".padStart(7)}${systems.map(() => `  | ${"puts/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"cpu/kput".padStart(8)} ${"cli/kput".padStart(8)}`).join("")}${etcd === undefined ? "" : `  | ${"puts/s".padStart(9)}`}`,
  ];
  for (const row of rows) {
    let line = String(row.clients).padStart(7);
    for (const sys of systems) {
      const m = medians(row.runs[sys]);
      line += `  | ${fmt(m.okPerSec).padStart(8)} ${fmt(m.p50Ms, 2).padStart(8)} ${fmt(m.p99Ms, 2).padStart(8)} ${fmt(m.serverCpuMsPerKiloPut, 0).padStart(8)} ${fmt(m.clientCpuMsPerKiloPut, 0).padStart(8)}`;
    }
    if (etcd !== undefined) {
      const raft = systems.includes("raft") ? "raft" : "raftSync";
      const ratio = medians(row.runs[raft]).okPerSec / medians(row.runs.etcd).okPerSec;
      line += `  | ${fmt(ratio, 3).padStart(9)}`;
    }
    out.push(line);
  }
  for (const row of rows) {
    out.push(
      `  runs at ${row.clients} clients, puts/s: ${systems.map((sys) => `${sys} ${row.runs[sys].map((r) => fmt(r.okPerSec)).join(", ")}`).join("; ")}`,
    );
  }
  out.push(
    "cpu/kput: CPU ms the 3 servers used (user + system) per 1,000 puts returned in the window; cli/kput: the same for the load generator",
  );
  out.push(
    etcd === undefined
      ? "etcd: not installed (--etcd PATH, or apt-get install etcd-server), no comparison"
      : `etcd ${etcd}: same load through its v3 JSON gateway to the leader; raft/etcd = ${systems.includes("raft") ? "group-commit" : "fsync-per-message"} raft puts/s over etcd's (medians)`,
  );
  return out.join("\n");
}

/** `cohort bench raft`: Raft's committed puts/s and latency on real processes, beside etcd. */
export const raftBenchmark: Benchmark = {
  name: "raft",
  summary:
    "real processes: Raft committed puts/s and p50/p99 at 1/16/256 clients, fsync on, beside a 3-member etcd when installed",
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        json: { type: "boolean" },
        usage: { type: "boolean" },
        clients: { type: "string" },
        repeats: { type: "string" },
        "warmup-ms": { type: "string" },
        "duration-ms": { type: "string" },
        "value-bytes": { type: "string" },
        keys: { type: "string" },
        etcd: { type: "string" },
        "group-commit": { type: "string" },
      },
      false,
    );
    if (values.usage === true) {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    const clients = parseClients(values.clients);
    const repeats = intFlag("repeats", values.repeats, 3, 1, 50);
    const warmupMs = intFlag("warmup-ms", values["warmup-ms"], 1000, 0, 600_000);
    const durationMs = intFlag("duration-ms", values["duration-ms"], 5000, 100, 600_000);
    const valueBytes = intFlag("value-bytes", values["value-bytes"], 256, 1, 65_536);
    const keys = intFlag("keys", values.keys, 1000, 1, 1_000_000);
    const etcdBinary = values.etcd ?? "etcd";
    const etcd = etcdBinary === "off" ? undefined : etcdVersion(etcdBinary);
    if (etcdBinary !== "off" && etcd === undefined && values.etcd !== undefined) {
      throw new UsageError(`--etcd: cannot run ${JSON.stringify(etcdBinary)} --version`);
    }
    const groupCommit = values["group-commit"] ?? "both";
    if (!["on", "off", "both"].includes(groupCommit)) {
      throw new UsageError(
        `--group-commit: expected on, off or both, got ${JSON.stringify(groupCommit)}`,
      );
    }
    const systems: System[] = [];
    if (groupCommit !== "off") systems.push("raft");
    if (groupCommit !== "on") systems.push("raftSync");
    if (etcd !== undefined) systems.push("etcd");
    const rows: Row[] = [];
    for (const n of clients) {
      const row: Row = { clients: n, runs: { raft: [], raftSync: [], etcd: [] } };
      for (let r = 0; r < repeats; r++) {
        const load = { clients: n, warmupMs, durationMs, keys, valueBytes };
        // Interleaved, so a change in the machine's load touches every system alike.
        for (const sys of systems) {
          row.runs[sys].push(
            sys === "etcd"
              ? await runEtcdLoad({ binary: etcdBinary, ...load })
              : await runRaftLoad({ servers: 3, ...load, config: { groupCommit: sys === "raft" } }),
          );
        }
        const last = systems.map(
          (sys) => `${sys} ${fmt(row.runs[sys].at(-1)?.okPerSec ?? Number.NaN)}`,
        );
        process.stderr.write(
          `bench raft: ${n} clients, run ${r + 1}/${repeats}: ${last.join(", ")} puts/s\n`,
        );
      }
      rows.push(row);
    }
    const settings = `${repeats} runs per row, ${warmupMs} ms warm-up, ${durationMs} ms measured, ${valueBytes}-byte values over ${keys} keys`;
    if (values.json === true) {
      const json = {
        servers: 3,
        settings: { repeats, warmupMs, durationMs, valueBytes, keys },
        etcd: etcd ?? null,
        systems,
        rows: rows.map((row) => ({
          clients: row.clients,
          medians: Object.fromEntries(systems.map((sys) => [sys, medians(row.runs[sys])])),
          runs: Object.fromEntries(systems.map((sys) => [sys, row.runs[sys]])),
        })),
      };
      process.stdout.write(`${JSON.stringify(json)}\n`);
    } else {
      process.stdout.write(`${format(rows, systems, etcd, settings)}\n`);
    }
    return EXIT.ok;
  },
};
