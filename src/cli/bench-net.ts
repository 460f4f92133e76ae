import { NET_BENCH_DEFAULTS, type NetBenchResult, runNetBench } from "../net/bench.js";
import type { Benchmark } from "./bench.js";
import { EXIT, intFlag, parseFlags } from "./command.js";

/** The issue's target for the real host: small messages per second between two processes. */
const TARGET_PER_SEC = 300_000;

function format(r: NetBenchResult): string {
  const n = (x: number): string => x.toLocaleString("en-US");
  return [
    `net: ${n(r.deliveredPerSec)} messages/s from one process to another on loopback (median of ${r.runsPerSec.length} runs)`,
    `  runs: ${r.runsPerSec.map(n).join(", ")}`,
    `  per CPU-second of the busier process: ${n(r.perCpuSecPerSec)} messages (median; what the pair sustains with a core each)`,
    `  per run, sender/receiver messages per CPU-second: ${r.cpuRuns.map((c) => `${n(c.senderPerCpuSec)}/${n(c.receiverPerCpuSec)}`).join(", ")}`,
    `  ${r.messageBytes} bytes per message on the wire (in ~64 KiB batch frames); ${r.dropped} dropped; window ${n(r.options.windowMessages)}, ${r.options.durationMs} ms per run`,
    `  target: >= ${n(TARGET_PER_SEC)}/s: ${r.deliveredPerSec >= TARGET_PER_SEC ? "met" : "NOT met"}`,
  ].join("\n");
}

/** `cohort bench net`: the real host's throughput between two node processes. */
export const netBenchmark: Benchmark = {
  name: "net",
  summary: "real host: small messages/s between two node processes on loopback (target 300,000)",
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        json: { type: "boolean" },
        quick: { type: "boolean" },
        runs: { type: "string" },
        "duration-ms": { type: "string" },
      },
      false,
    );
    const quick = values.quick === true;
    const runs = intFlag("runs", values.runs, quick ? 1 : NET_BENCH_DEFAULTS.runs, 1, 50);
    const durationMs = intFlag(
      "duration-ms",
      values["duration-ms"],
      quick ? 500 : NET_BENCH_DEFAULTS.durationMs,
      100,
      600_000,
    );
    const result = await runNetBench({ ...NET_BENCH_DEFAULTS, runs, durationMs });
    const json = {
      ...result,
      targetPerSec: TARGET_PER_SEC,
      targetMet: result.deliveredPerSec >= TARGET_PER_SEC,
    };
    process.stdout.write(
      values.json === true ? `${JSON.stringify(json)}\n` : `${format(result)}\n`,
    );
    return EXIT.ok;
  },
};
